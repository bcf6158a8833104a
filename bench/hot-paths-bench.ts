/**
 * @module
 * The per-request rows alone, for iterating on hot paths: 2 000 × 4 KiB
 * pushes at concurrency 16, 200 manifest PUTs at concurrency 8, manifest GETs
 * by tag at concurrency 32 — the main table's workload code — against Wharf
 * (auth off, auth on, one or two workers) and Distribution, one after the
 * other, `--rounds N` times; prints every figure and the medians. Small data
 * only (no 512 MiB files). Not part of `npm run bench`:
 *
 *     node bench/hot-paths-bench.ts [--servers wharf,wharf-auth,wharf-2,distribution] [--rounds 3] [--seconds 5]
 *
 * `WHARF_BENCH_PROFILE=DIR` starts Wharf with `--cpu-prof --cpu-prof-dir=DIR`;
 * `WHARF_BENCH_NODE_OPTIONS="..."` passes more Node options to Wharf only.
 */
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { closeClient, createClient } from "./client.ts";
import { type Fixtures, SMALL_BLOB_COUNT, SMALL_BLOB_SIZE, sha256, smallBlobs } from "./fixtures.ts";
import { syncDisk } from "./limits.ts";
import { type RunningServer, startDistribution, startWharf } from "./servers.ts";
import { randomPassword } from "./wharf-auth.ts";
import { BLOB_REPOSITORIES, smallPushes, type WorkloadContext } from "./workloads-blobs.ts";
import { MANIFEST_COUNT, MANIFEST_REPOSITORIES, manifestGets, manifestPuts } from "./workloads-manifests.ts";

const ROOT = join(import.meta.dirname, "..");
const KINDS = ["wharf", "wharf-auth", "wharf-2", "distribution"] as const;
type Kind = (typeof KINDS)[number];

const { values } = parseArgs({
  options: {
    servers: { type: "string", default: "wharf,distribution" },
    rounds: { type: "string", default: "1" },
    seconds: { type: "string", default: "5" },
    phases: { type: "string", default: "small,put,get" },
  },
});
const servers = values.servers.split(",").filter((name): name is Kind => (KINDS as readonly string[]).includes(name));
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const phases = new Set(values.phases.split(","));

function fixtures(): Fixtures {
  const [manifestLayer] = smallBlobs(1, SMALL_BLOB_SIZE);
  const config = Buffer.from(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      rootfs: { type: "layers", diff_ids: [manifestLayer!.digest] },
    }),
  );
  const none = { path: "", size: 0, digest: "", open: () => Buffer.alloc(0) };
  return {
    monolithic: none,
    chunked: none,
    small: smallBlobs(SMALL_BLOB_COUNT, SMALL_BLOB_SIZE),
    manifestConfig: { digest: sha256(config), data: config },
    manifestLayer: manifestLayer!,
    huge: undefined,
  };
}

async function start(kind: Kind, dataDir: string): Promise<RunningServer> {
  if (kind === "distribution") return startDistribution(dataDir);
  const profile = process.env.WHARF_BENCH_PROFILE;
  const env: NodeJS.ProcessEnv = { WHARF_SERVER__WORKERS: kind === "wharf-2" ? "2" : "1" };
  const nodeOptions = [
    process.env.WHARF_BENCH_NODE_OPTIONS ?? "",
    profile ? `--cpu-prof --cpu-prof-dir=${profile}` : "",
  ];
  if (nodeOptions.join("").trim()) env.NODE_OPTIONS = nodeOptions.join(" ").trim();
  return startWharf(dataDir, {
    root: ROOT,
    extraArgs: [],
    auth: kind === "wharf-auth",
    authPlan: { password: randomPassword(), repositories: [...BLOB_REPOSITORIES, ...MANIFEST_REPOSITORIES] },
    env,
  });
}

type Figures = Record<"small" | "put" | "get" | "smallCpu" | "putCpu" | "getCpu", number>;

/**
 * CPU seconds (user + system) the process `pid` and its live descendants
 * (a cluster's workers) have used, with the children they waited for.
 */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").split(" ").filter(Boolean);
    return ticks / 100 + children.reduce((sum, child) => sum + cpuSeconds(Number(child)), 0);
  } catch {
    return Number.NaN;
  }
}

/** Runs `work` (returning a rate) and the server's CPU µs per item (`count` items, or rate × seconds). */
async function measured(pid: number, work: () => Promise<number>, count?: number): Promise<[number, number]> {
  const cpu = cpuSeconds(pid);
  const started = performance.now();
  const rate = await work();
  const items = count ?? (rate * (performance.now() - started)) / 1000;
  return [rate, ((cpuSeconds(pid) - cpu) * 1e6) / items];
}

async function once(kind: Kind, data: Fixtures, workDir: string): Promise<Figures> {
  const dataDir = await mkdtemp(join(workDir, `${kind}-`));
  const server = await start(kind, dataDir);
  const ctx: WorkloadContext = { client: createClient(server.url, { ...server.headers }), fixtures: data };
  try {
    const pid = server.process.pid;
    syncDisk();
    const [small, smallCpu] = phases.has("small")
      ? await measured(pid, () => smallPushes(ctx), SMALL_BLOB_COUNT)
      : [0, 0];
    syncDisk();
    const [put, putCpu] =
      phases.has("put") || phases.has("get")
        ? await measured(pid, () => manifestPuts(ctx), MANIFEST_COUNT + 2)
        : [0, 0];
    const [get, getCpu] = phases.has("get") ? await measured(pid, () => manifestGets(ctx, seconds * 1000)) : [0, 0];
    return { small, put, get, smallCpu, putCpu, getCpu };
  } finally {
    closeClient(ctx.client);
    await server.process.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const workDir = await mkdtemp(join(ROOT, "bench", "work", "hot-"));
const data = fixtures();
const all = new Map<Kind, Figures[]>(servers.map((kind) => [kind, []]));
try {
  for (let round = 0; round < rounds; round++) {
    for (const kind of servers) {
      const figures = await once(kind, data, workDir);
      all.get(kind)!.push(figures);
      console.log(
        `round ${round + 1} ${kind}: small ${figures.small.toFixed(0)} blobs/s (${figures.smallCpu.toFixed(0)} µs CPU each), PUT ${figures.put.toFixed(0)}/s (${figures.putCpu.toFixed(0)} µs), GET ${figures.get.toFixed(0)} req/s (${figures.getCpu.toFixed(0)} µs); load ${os
          .loadavg()
          .map((n) => n.toFixed(1))
          .join(" ")}`,
      );
    }
  }
} finally {
  await rm(workDir, { recursive: true, force: true });
}
console.log("medians:");
for (const [kind, list] of all) {
  const m = (key: keyof Figures) => median(list.map((f) => f[key])).toFixed(0);
  console.log(
    `  ${kind}: small ${m("small")}/s (${m("smallCpu")} µs CPU each), PUT ${m("put")}/s (${m("putCpu")} µs), GET ${m("get")}/s (${m("getCpu")} µs)`,
  );
}
