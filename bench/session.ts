/**
 * @module
 * One registry's session: start it, run every workload in order with the
 * same client code, record each figure or the error that stopped it (a failing
 * workload never stops the others), read its memory, stop it by PID and remove
 * its data.
 */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { closeClient, createClient } from "./client.ts";
import type { Fixtures } from "./fixtures.ts";
import { syncDisk } from "./limits.ts";
import { type Cell, type Results, ROWS, type RowId } from "./rows.ts";
import { type RssSampler, resetPeak, startRssSampler, statusBytes } from "./rss.ts";
import { type RunningServer, type ServerKind, startDistribution, startWharf } from "./servers.ts";
import type { AuthPlan } from "./wharf-auth.ts";
import {
  BLOB_REPOSITORIES,
  chunkedPush,
  curlPulls,
  hugePush,
  medianPull,
  monolithicPush,
  pull,
  smallPushes,
  type WorkloadContext,
} from "./workloads-blobs.ts";
import { MANIFEST_REPOSITORIES, manifestGets, manifestPuts } from "./workloads-manifests.ts";

/** Every repository a workload touches (what the Wharf+auth token must cover). */
export const REPOSITORIES: readonly string[] = [...BLOB_REPOSITORIES, ...MANIFEST_REPOSITORIES];

export interface SessionPlan {
  readonly root: string;
  readonly workDir: string;
  readonly fixtures: Fixtures;
  readonly quick: boolean;
  readonly keep: boolean;
  readonly wharfArgs: readonly string[];
  /** Only the pull rows (and the push they read); the rest are skipped. */
  readonly pullOnly: boolean;
  /** The admin password both Wharfs start with and the token Wharf+auth is used with. */
  readonly authPlan: AuthPlan;
  /** Aborted on SIGINT/SIGTERM: no further workload starts. */
  readonly signal: AbortSignal;
}

type Step = readonly [RowId, (ctx: WorkloadContext) => Promise<number>];

const MiB = 1024 * 1024;

/** The pull rows (`--only pull` runs these, after the monolithic push they read). */
const PULL_ROWS: readonly RowId[] = ["push-monolithic", "pull-1", "pull-8", "pull-curl-1", "pull-curl-8"];

function steps(quick: boolean): Step[] {
  return [
    ["push-monolithic", monolithicPush],
    ["push-chunked", chunkedPush],
    ["pull-1", (ctx) => medianPull(ctx, 1, 3)],
    ["pull-8", (ctx) => pull(ctx, 8)],
    ["pull-curl-1", (ctx) => curlPulls(ctx, 1, 3)],
    ["pull-curl-8", (ctx) => curlPulls(ctx, 8, 1)],
    ["small-blobs", smallPushes],
    ["manifest-put", manifestPuts],
    ["manifest-get", (ctx) => manifestGets(ctx, quick ? 3000 : 10_000)],
  ];
}

export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function start(kind: ServerKind, dataDir: string, plan: SessionPlan): Promise<RunningServer> {
  if (kind === "distribution") return startDistribution(dataDir);
  const { root, wharfArgs: extraArgs, authPlan } = plan;
  return startWharf(dataDir, { root, extraArgs, auth: kind === "wharf-auth", authPlan });
}

/** Benchmarks one registry; failures become error cells, only an abort throws. */
export async function benchServer(kind: ServerKind, plan: SessionPlan): Promise<Results> {
  const results: Results = new Map();
  const dataDir = join(plan.workDir, `${kind}-data`);
  let server: RunningServer;
  try {
    server = await start(kind, dataDir, plan);
  } catch (error) {
    const cell = { error: `did not start: ${message(error)}` };
    for (const row of ROWS) results.set(row.id, cell);
    console.log(`${kind}: ${cell.error}`);
    if (!plan.keep) await rm(dataDir, { recursive: true, force: true });
    return results;
  }
  const token = server.headers.authorization ? "; Bearer token for every request" : "";
  console.log(`${kind}: ready at ${server.url} (pid ${server.process.pid}${token})`);
  const ctx: WorkloadContext = {
    client: createClient(server.url, { ...server.headers }),
    fixtures: plan.fixtures,
  };
  const sampler = startRssSampler(server.process.pid);
  try {
    for (const [id, run] of steps(plan.quick)) {
      plan.signal.throwIfAborted();
      if (plan.pullOnly && !PULL_ROWS.includes(id)) results.set(id, { skipped: "--only pull" });
      else results.set(id, await attempt(server, id, () => run(ctx)));
    }
    plan.signal.throwIfAborted();
    if (plan.pullOnly) {
      for (const id of ["push-4g", "rss-4g", "rss-run", "rss-sampled"] as const)
        results.set(id, { skipped: "--only pull" });
    } else await measureMemory(server, ctx, sampler, plan.quick, results);
  } finally {
    sampler.stop();
    closeClient(ctx.client);
    await server.process.stop();
    if (!plan.keep) await rm(dataDir, { recursive: true, force: true });
    syncDisk();
  }
  return results;
}

/**
 * Flushes dirty pages (so no workload pays for the previous one's writes),
 * runs one workload, logs its figure, and turns a failure into an error cell.
 */
async function attempt(server: RunningServer, id: RowId, run: () => Promise<number>): Promise<Cell> {
  syncDisk();
  const started = performance.now();
  try {
    const value = await run();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const unit = ROWS.find((row) => row.id === id)?.unit ?? "";
    console.log(`  ${server.kind} ${id}: ${value.toFixed(1)} ${unit} (${seconds} s)`);
    return { value };
  } catch (error) {
    const exit = server.process.exitInfo();
    const output = server.process.outputSummary();
    const gone = exit ? ` [server ${exit}${output ? `; output: ${output}` : ""}]` : "";
    console.log(`  ${server.kind} ${id}: ERROR ${message(error)}${gone}`);
    return { error: `${message(error)}${gone}` };
  }
}

/**
 * Records the peak RSS of the run so far, then (unless quick) resets the
 * kernel's peak, pushes the 4 GiB blob and records the peak during it.
 */
async function measureMemory(
  server: RunningServer,
  ctx: WorkloadContext,
  sampler: RssSampler,
  quick: boolean,
  results: Results,
): Promise<void> {
  const pid = server.process.pid;
  const runPeak = statusBytes(pid, "VmHWM");
  let sampled = sampler.max();
  if (quick) {
    results.set("push-4g", { skipped: "--quick" });
    results.set("rss-4g", { skipped: "--quick" });
  } else {
    const reset = resetPeak(pid);
    sampled = Math.max(sampled, sampler.max());
    sampler.resetMax();
    results.set("push-4g", await attempt(server, "push-4g", () => hugePush(ctx)));
    const hugePeak = reset ? statusBytes(pid, "VmHWM") : undefined;
    results.set("rss-4g", mib(Math.max(hugePeak ?? 0, sampler.max())));
  }
  const finalPeak = statusBytes(pid, "VmHWM");
  results.set("rss-run", runPeak === undefined ? gone() : mib(Math.max(runPeak, finalPeak ?? 0)));
  results.set("rss-sampled", mib(Math.max(sampled, sampler.max())));
}

function mib(bytes: number): Cell {
  return bytes > 0 ? { value: bytes / MiB } : gone();
}

function gone(): Cell {
  return { error: "server process gone: no /proc/<pid>/status" };
}
