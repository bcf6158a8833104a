/**
 * @module
 * `server.workers` rows (issue 15, item 3): Wharf (auth off) with one and
 * with two worker processes, and CNCF Distribution 2.8.2, in the same run
 * with the same clients: 8 concurrent `curl` pulls of the 512 MiB blob
 * (median of 3), 2 000 distinct 4 KiB pushes at concurrency 16, and manifest
 * GETs by tag at concurrency 32. Writes its own section of bench/RESULTS.md
 * with the ratios workers 2 ÷ 1 and Wharf ÷ Distribution. `--only workers`.
 */
import { readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import { closeClient, createClient } from "./client.ts";
import type { Fixtures } from "./fixtures.ts";
import { syncDisk } from "./limits.ts";
import { pushMonolithic } from "./registry-ops.ts";
import { type RunningServer, startDistribution, startWharf } from "./servers.ts";
import { message } from "./session.ts";
import { randomPassword } from "./wharf-auth.ts";
import { curlPulls, smallPushes, type WorkloadContext } from "./workloads-blobs.ts";
import { manifestGets, manifestPuts } from "./workloads-manifests.ts";

const HEADING = "## Workers: one vs two processes, and against Distribution";

/** The measured columns. */
type Column = "wharf-1" | "wharf-2" | "distribution";
const COLUMNS: readonly Column[] = ["wharf-1", "wharf-2", "distribution"];

/** A row: figure per column (or an error text). */
interface Row {
  readonly label: string;
  readonly unit: string;
  readonly cells: Map<Column, number | string>;
}

/** What the run needs from bench/run.ts. */
export interface WorkersPlan {
  readonly root: string;
  readonly workDir: string;
  readonly fixtures: Fixtures;
  readonly quick: boolean;
  readonly keep: boolean;
  readonly signal: AbortSignal;
}

async function start(column: Column, dataDir: string, plan: WorkersPlan): Promise<RunningServer> {
  if (column === "distribution") return startDistribution(dataDir);
  const workers = column === "wharf-1" ? "1" : "2";
  return startWharf(dataDir, {
    root: plan.root,
    extraArgs: [],
    auth: false,
    authPlan: { password: randomPassword(), repositories: [] },
    env: { WHARF_SERVER__WORKERS: workers },
  });
}

async function measure(label: string, run: () => Promise<number>): Promise<number | string> {
  syncDisk();
  try {
    const value = await run();
    console.log(`    ${label}: ${value.toFixed(1)}`);
    return value;
  } catch (error) {
    console.log(`    ${label}: ERROR ${message(error)}`);
    return message(error);
  }
}

/** Runs the three workloads against every column; returns the rows. */
export async function benchWorkers(plan: WorkersPlan): Promise<Row[]> {
  const rows: Row[] = [
    { label: "pull 512 MiB, 8 concurrent curl", unit: "MB/s", cells: new Map() },
    { label: "push 2 000 × 4 KiB, 16 concurrent", unit: "blobs/s", cells: new Map() },
    { label: "manifest GET by tag, 32 concurrent", unit: "req/s", cells: new Map() },
  ];
  for (const column of COLUMNS) {
    plan.signal.throwIfAborted();
    const dataDir = join(plan.workDir, `workers-${column}`);
    let server: RunningServer;
    try {
      server = await start(column, dataDir, plan);
    } catch (error) {
      for (const row of rows) row.cells.set(column, `did not start: ${message(error)}`);
      continue;
    }
    console.log(`${column}: ready at ${server.url}`);
    const ctx: WorkloadContext = { client: createClient(server.url, { ...server.headers }), fixtures: plan.fixtures };
    try {
      await pushMonolithic(ctx.client, "bench/big", plan.fixtures.monolithic);
      rows[0]!.cells.set(column, await measure(rows[0]!.label, () => curlPulls(ctx, 8, 3)));
      rows[1]!.cells.set(column, await measure(rows[1]!.label, () => smallPushes(ctx)));
      await manifestPuts(ctx);
      rows[2]!.cells.set(column, await measure(rows[2]!.label, () => manifestGets(ctx, plan.quick ? 3_000 : 10_000)));
    } finally {
      closeClient(ctx.client);
      await server.process.stop();
      if (!plan.keep) await rm(dataDir, { recursive: true, force: true });
    }
  }
  return rows;
}

const targets = new Map<string, number>([
  ["push 2 000 × 4 KiB, 16 concurrent", 3],
  ["manifest GET by tag, 32 concurrent", 5],
]);

function cell(value: number | string | undefined): string {
  return typeof value === "number" ? value.toFixed(0) : `error: ${value ?? "not run"}`;
}

function ratio(a: number | string | undefined, b: number | string | undefined): string {
  return typeof a === "number" && typeof b === "number" && b > 0 ? `${(a / b).toFixed(2)}×` : "—";
}

/** The markdown section for these rows. */
export function renderWorkersSection(rows: readonly Row[], run: { date: string; commit: string }): string {
  const load = os
    .loadavg()
    .map((n) => n.toFixed(1))
    .join(", ");
  const lines = [
    HEADING,
    "",
    `- date: ${run.date}; commit: ${run.commit}; \`npm run bench -- --only workers\`; ${os.availableParallelism()} CPUs, load average at the end ${load}`,
    "- Wharf with auth off, `WHARF_SERVER__WORKERS=1` and `=2` (a primary plus two workers on one port, SO_REUSEPORT); Distribution 2.8.2 as in the main table. Same clients, same data, one after the other.",
    "- 2 CPUs shared by the servers and the clients (the load average above says how busy the machine was): absolute figures move between runs; read the ratios of one run.",
    "",
    "| workload | unit | Wharf, 1 worker | Wharf, 2 workers | Distribution | 2 ÷ 1 workers | Wharf (2) ÷ Distribution | target |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  if (rows.length === 0)
    lines.splice(lines.length - 3, 3, "- workers rows not measured in this run (`--only workers`).");
  for (const row of rows) {
    const [one, two, dist] = COLUMNS.map((column) => row.cells.get(column));
    const target = targets.get(row.label);
    const met =
      target === undefined || typeof two !== "number" || typeof dist !== "number"
        ? "—"
        : `≥ ${target}× ${two / dist >= target ? "met" : "MISSED"}`;
    lines.push(
      `| ${row.label} | ${row.unit} | ${cell(one)} | ${cell(two)} | ${cell(dist)} | ${ratio(two, one)} | ${ratio(two, dist)} | ${met} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** Replaces this section of `file` (or puts it before the proxy section, or at the end). */
export async function writeWorkersSection(file: string, section: string): Promise<void> {
  const text = await readFile(file, "utf8").catch(() => "");
  const at = text.indexOf(`\n${HEADING}`);
  if (at !== -1) {
    const next = text.indexOf("\n## ", at + 1);
    await writeFile(file, `${text.slice(0, at + 1)}${section}${next === -1 ? "" : `\n${text.slice(next + 1)}`}`);
    return;
  }
  const proxy = text.indexOf("\n## Pull-through proxy");
  if (proxy === -1) await writeFile(file, `${text.trimEnd()}\n\n${section}`);
  else await writeFile(file, `${text.slice(0, proxy + 1)}${section}\n${text.slice(proxy + 1)}`);
}
