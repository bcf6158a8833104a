/**
 * @module
 * Command-line options of the benchmark (and the WHARF_BENCH_* environment
 * variables that stand in for them).
 */
import { parseArgs } from "node:util";
import { SERVER_KINDS, type ServerKind } from "./servers.ts";

export interface Options {
  /** Skip the 4 GiB push and shorten the timed GET workload. */
  readonly quick: boolean;
  /** The registries to measure, in order. */
  readonly servers: readonly ServerKind[];
  /** Measure the pull-through proxy rows (bench/proxy-bench.ts). */
  readonly proxy: boolean;
  /** Measure the scale-out rows (bench/scale-bench.ts). */
  readonly scale: boolean;
  /** Measure the `server.workers` rows (bench/workers-bench.ts). */
  readonly workers: boolean;
  /** Measure the nginx offload rows (bench/offload-bench.ts). */
  readonly offload: boolean;
  /** Measure the airgap rows (bench/airgap-bench.ts). */
  readonly airgap: boolean;
  /** `--only pull`: only the pull rows (after the push they read), no 4 GiB push, no RSS rows. */
  readonly pullOnly: boolean;
  /** Extra arguments after `wharf serve --listen … --data …`. */
  readonly wharfArgs: readonly string[];
  /** Keep bench/work/run-* (data files and registries' storage) for inspection. */
  readonly keep: boolean;
  /** Where the markdown table goes. */
  readonly out: string | undefined;
  readonly help: boolean;
}

export const USAGE = `usage: npm run bench -- [options]   (or: node bench/run.ts [options])

  --quick              skip the 4 GiB push, GET workload 3 s instead of 10 s
  --only NAMES         measure only these, comma-separated: wharf (auth off),
                       wharf-auth (auth on, Bearer token), distribution; and/or
                       pull: only the pull rows (e.g. --only wharf,pull);
                       proxy: the pull-through proxy rows (--only proxy alone);
                       scale: S3 + PostgreSQL vs filesystem + SQLite, two
                       nodes vs one (--only scale alone)
                       workers: server.workers 1 vs 2 and vs Distribution (--only workers alone)
                       offload: Wharf + nginx offload vs Distribution, plain and TLS (--only offload alone)
                       airgap: bundle build/push vs skopeo (--only airgap alone)
  --wharf-args "..."   extra arguments for both 'wharf serve' (split on spaces)
  --keep               keep bench/work/run-* afterwards
  --out FILE           markdown results file (default bench/RESULTS.md)
  -h, --help           this text

environment: WHARF_BENCH_QUICK=1, WHARF_BENCH_ONLY=NAMES, WHARF_BENCH_ARGS="..."`;

/** The workload groups `--only` also takes. */
const PULL_GROUP = "pull";
const PROXY_GROUP = "proxy";
const SCALE_GROUP = "scale";
const WORKERS_GROUP = "workers";
const OFFLOAD_GROUP = "offload";
const AIRGAP_GROUP = "airgap";

function onlyNames(only: string | undefined): string[] {
  return (only ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
}

function isServerKind(name: string): name is ServerKind {
  return (SERVER_KINDS as readonly string[]).includes(name);
}

/** The kinds named in `only` (comma-separated; `pull` and `proxy` are not servers), in the canonical order. */
function serversFor(only: string | undefined): ServerKind[] {
  const all = onlyNames(only);
  if (all.length === 0) return [...SERVER_KINDS];
  const names = all.filter(
    (name) =>
      name !== PULL_GROUP &&
      name !== PROXY_GROUP &&
      name !== SCALE_GROUP &&
      name !== WORKERS_GROUP &&
      name !== OFFLOAD_GROUP &&
      name !== AIRGAP_GROUP,
  );
  // `--only proxy` alone measures no server rows; `--only pull` alone measures every server's pulls.
  if (names.length === 0) return all.includes(PULL_GROUP) ? [...SERVER_KINDS] : [];
  const unknown = names.filter((name) => !isServerKind(name));
  if (unknown.length > 0) {
    throw new Error(
      `--only takes ${SERVER_KINDS.join(", ")}, ${PULL_GROUP}, ${PROXY_GROUP} or ${SCALE_GROUP} (comma-separated), not "${unknown.join(", ")}"`,
    );
  }
  return SERVER_KINDS.filter((kind) => names.includes(kind));
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      "wharf-args": { type: "string" },
      keep: { type: "boolean", default: false },
      out: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const wharfArgs = (values["wharf-args"] ?? env.WHARF_BENCH_ARGS ?? "").split(/\s+/);
  const only = values.only ?? env.WHARF_BENCH_ONLY;
  return {
    pullOnly: onlyNames(only).includes(PULL_GROUP),
    quick: values.quick || env.WHARF_BENCH_QUICK === "1",
    servers: serversFor(only),
    proxy: ((names) => names.length === 0 || names.includes(PROXY_GROUP))(onlyNames(only)),
    scale: ((names) => names.length === 0 || names.includes(SCALE_GROUP))(onlyNames(only)),
    workers: ((names) => names.length === 0 || names.includes(WORKERS_GROUP))(onlyNames(only)),
    offload: ((names) => names.length === 0 || names.includes(OFFLOAD_GROUP))(onlyNames(only)),
    airgap: ((names) => names.length === 0 || names.includes(AIRGAP_GROUP))(onlyNames(only)),
    wharfArgs: wharfArgs.filter((arg) => arg !== ""),
    keep: values.keep,
    out: values.out,
    help: values.help,
  };
}
