/**
 * @module
 * Command-line options of the benchmark (and the WHARF_BENCH_* environment
 * variables that stand in for them).
 */
import { parseArgs } from "node:util";
import type { ServerKind } from "./servers.ts";

export interface Options {
  /** Skip the 4 GiB push and shorten the timed GET workload. */
  readonly quick: boolean;
  /** The registries to measure, in order. */
  readonly servers: readonly ServerKind[];
  /** Extra arguments after `wharf serve --listen … --data …`. */
  readonly wharfArgs: readonly string[];
  /** Headers sent with every request to Wharf (e.g. Authorization). */
  readonly wharfHeaders: Record<string, string>;
  /** Keep bench/work/run-* (data files and registries' storage) for inspection. */
  readonly keep: boolean;
  /** Where the markdown table goes. */
  readonly out: string | undefined;
  readonly help: boolean;
}

export const USAGE = `usage: npm run bench -- [options]   (or: node bench/run.ts [options])

  --quick              skip the 4 GiB push, GET workload 3 s instead of 10 s
  --only NAME          measure only "wharf" or only "distribution"
  --wharf-args "..."   extra arguments for 'wharf serve' (split on spaces)
  --keep               keep bench/work/run-* afterwards
  --out FILE           markdown results file (default bench/RESULTS.md)
  -h, --help           this text

environment: WHARF_BENCH_QUICK=1, WHARF_BENCH_ONLY=NAME, WHARF_BENCH_ARGS="...",
WHARF_BENCH_AUTHORIZATION="Bearer ..." (sent to Wharf only)`;

function serversFor(only: string | undefined): ServerKind[] {
  if (only === undefined || only === "") return ["wharf", "distribution"];
  if (only === "wharf" || only === "distribution") return [only];
  throw new Error(`--only must be "wharf" or "distribution", not "${only}"`);
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
  const authorization = env.WHARF_BENCH_AUTHORIZATION;
  return {
    quick: values.quick || env.WHARF_BENCH_QUICK === "1",
    servers: serversFor(values.only ?? env.WHARF_BENCH_ONLY),
    wharfArgs: wharfArgs.filter((arg) => arg !== ""),
    wharfHeaders: authorization ? { authorization } : {},
    keep: values.keep,
    out: values.out,
    help: values.help,
  };
}
