/**
 * @module
 * The benchmark: measures Wharf with auth off, Wharf with auth on (the
 * default; the client sends a Bearer token) and CNCF Distribution 2.8.2 in
 * the same run with the same client — large pushes and pulls, small blobs,
 * manifests, peak memory — beside the machine's SHA-256 and disk limits,
 * prints the table and writes it to bench/RESULTS.md. Servers listen on
 * 127.0.0.1 only and are stopped by PID at the end, on errors and on
 * SIGINT/SIGTERM.
 * Then the pull-through proxy rows (bench/proxy-bench.ts), alone with `--only proxy`,
 * the scale-out rows (bench/scale-bench.ts), alone with `--only scale`, and
 * the airgap rows (bench/airgap-bench.ts), alone with `--only airgap`.
 * Usage: `npm run bench -- [--quick] [--only wharf,wharf-auth,distribution,proxy,scale,workers,offload,airgap] [--wharf-args "..."]`.
 */
import { execFileSync } from "node:child_process";
import { mkdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import { join, relative } from "node:path";
import { benchAirgap, renderAirgapSection, writeAirgapSection } from "./airgap-bench.ts";
import { prepareFixtures } from "./fixtures.ts";
import { measureLimits } from "./limits.ts";
import { measureNodeLimit } from "./node-limit.ts";
import { benchOffload, renderOffloadRows } from "./offload-bench.ts";
import { type Options, parseOptions, USAGE } from "./options.ts";
import { killAllNow, stopAll } from "./proc.ts";
import { benchProxy } from "./proxy-bench.ts";
import { renderProxySection, writeProxySection } from "./proxy-report.ts";
import { type AllResults, type RunInfo, renderConsole, renderMarkdown } from "./report.ts";
import type { Results } from "./rows.ts";
import { benchScale } from "./scale-bench.ts";
import { renderScaleSection, writeScaleSection } from "./scale-report.ts";
import { DISTRIBUTION_BINARY, type ServerKind } from "./servers.ts";
import { benchServer, message, REPOSITORIES } from "./session.ts";
import { randomPassword, TOKEN_TTL } from "./wharf-auth.ts";
import { benchWorkers, renderWorkersSection, writeWorkersSection } from "./workers-bench.ts";

const BENCH_DIR = import.meta.dirname;
const ROOT = join(BENCH_DIR, "..");

function commandOutput(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { cwd: ROOT, encoding: "utf8", timeout: 10_000 }).trim();
  } catch {
    return "unknown";
  }
}

function runInfo(options: Options, limits: RunInfo["limits"]): RunInfo {
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  const memory = (os.totalmem() / 1024 ** 3).toFixed(1);
  const version = commandOutput(DISTRIBUTION_BINARY, ["--version"]);
  return {
    date: new Date().toISOString(),
    commit: commandOutput("git", ["rev-parse", "--short", "HEAD"]),
    node: process.version,
    machine: `${os.availableParallelism()} CPUs (${cpu}), ${memory} GiB RAM, ${os.type()} ${os.release()}`,
    mode: `${options.quick ? "quick (no 4 GiB push, 3 s GET)" : "full"}${options.pullOnly ? ", pull rows only" : ""}; measured: ${options.servers.join(", ")}`,
    distribution: `${version} — filesystem storage, blobdescriptor cache inmemory, access log off`,
    wharf:
      "both with WHARF_ADMIN_PASSWORD (random) and WHARF_SERVER__WORKERS=1 (one process, as Distribution, so the RSS rows " +
      "measure the server; workers are compared in their own section); Wharf with WHARF_AUTH__ENABLED=false; Wharf+auth with auth on " +
      `and WHARF_AUTH__TOKEN_TTL=${TOKEN_TTL}, the client sending one Bearer token (admin, pull,push on ` +
      `${REPOSITORIES.join(", ")}) with every request`,
    limits,
  };
}

/**
 * On SIGINT/SIGTERM: aborts `controller` (no further workload starts and no
 * report is written), stops the servers, removes the work directory, exits.
 */
function onSignals(workDir: string, keep: boolean, controller: AbortController): void {
  const handler = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) return;
    controller.abort(new Error(`interrupted by ${signal}`));
    console.error(`\n${signal}: stopping servers`);
    const cleanup = async () => {
      await stopAll();
      if (!keep) await rm(workDir, { recursive: true, force: true });
    };
    cleanup().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.once("SIGINT", handler);
  process.once("SIGTERM", handler);
  process.once("exit", killAllNow);
}

async function benchmark(options: Options, workDir: string, signal: AbortSignal): Promise<void> {
  const out = options.out ?? join(BENCH_DIR, "RESULTS.md");
  if (options.servers.length > 0) await benchmarkServers(options, workDir, signal, out);
  if (options.workers || options.offload) await benchmarkWorkers(options, workDir, signal, out);
  if (options.airgap) await benchmarkAirgap(options, workDir, signal, out);
  if (!options.proxy) return;
  signal.throwIfAborted();
  const proxy = await benchProxy({ root: ROOT, workDir, ...options, signal });
  signal.throwIfAborted();
  const run = {
    date: new Date().toISOString(),
    commit: commandOutput("git", ["rev-parse", "--short", "HEAD"]),
    partial: options.servers.length === 0,
  };
  const section = renderProxySection(proxy, run);
  console.log(`\n${section}`);
  await writeProxySection(out, section);
  console.log(
    `${options.servers.length === 0 ? "updated the proxy section of" : "added the proxy rows to"} ${relative(process.cwd(), out)}`,
  );
}

/** The scale-out rows (S3 + PostgreSQL), written as their own section of the results file. */
async function benchmarkScale(options: Options, workDir: string, signal: AbortSignal): Promise<void> {
  if (!options.scale) return;
  signal.throwIfAborted();
  const out = options.out ?? join(BENCH_DIR, "RESULTS.md");
  const scale = await benchScale({ root: ROOT, workDir, quick: options.quick, signal });
  signal.throwIfAborted();
  const run = {
    date: new Date().toISOString(),
    commit: commandOutput("git", ["rev-parse", "--short", "HEAD"]),
    partial: options.servers.length === 0,
  };
  const section = renderScaleSection(scale, run);
  console.log(`\n${section}`);
  await writeScaleSection(out, section);
  console.log(`wrote the scale-out section of ${relative(process.cwd(), out)}`);
}

/** The airgap rows: bundle build and push vs skopeo, peak RSS, written as their own section. */
async function benchmarkAirgap(options: Options, workDir: string, signal: AbortSignal, out: string): Promise<void> {
  signal.throwIfAborted();
  const results = await benchAirgap({ root: ROOT, workDir, quick: options.quick, signal });
  const section = renderAirgapSection(results, {
    date: new Date().toISOString(),
    commit: commandOutput("git", ["rev-parse", "--short", "HEAD"]),
  });
  console.log(`\n${section}`);
  await writeAirgapSection(out, section);
  console.log(`wrote the airgap section of ${relative(process.cwd(), out)}`);
}

async function benchmarkServers(options: Options, workDir: string, signal: AbortSignal, out: string): Promise<void> {
  console.log("measuring machine limits (SHA-256, disk write)…");
  const limits = await measureLimits(workDir);
  signal.throwIfAborted();
  console.log(`generating data in ${relative(ROOT, workDir)}…`);
  const fixtures = await prepareFixtures(workDir, !options.quick);
  console.log("measuring the Node limit (bare node:http serving the 512 MiB file, curl clients)…");
  let nodeLimit: { nodePull1?: number; nodePull8?: number } = {};
  try {
    const { pull1, pull8 } = await measureNodeLimit(BENCH_DIR, fixtures.monolithic);
    nodeLimit = { nodePull1: pull1, nodePull8: pull8 };
    console.log(`  Node limit: ${pull1.toFixed(0)} MB/s (1 curl), ${pull8.toFixed(0)} MB/s (8 curl)`);
  } catch (error) {
    console.log(`  Node limit: ERROR ${message(error)}`);
  }
  const results = new Map<ServerKind, Results>();
  const authPlan = { password: randomPassword(), repositories: REPOSITORIES };
  for (const kind of options.servers) {
    signal.throwIfAborted();
    const plan = { root: ROOT, workDir, fixtures, signal, authPlan, ...options };
    results.set(kind, await benchServer(kind, plan));
  }
  signal.throwIfAborted();
  const all: AllResults = results;
  const info = runInfo(options, { ...limits, ...nodeLimit });
  console.log(`\n${renderConsole(info, all)}`);
  await writeFile(out, renderMarkdown(info, all));
  console.log(`\nwrote ${relative(process.cwd(), out)}`);
}

/** The `server.workers` rows (bench/workers-bench.ts), in their own section of the results. */
async function benchmarkWorkers(options: Options, workDir: string, signal: AbortSignal, out: string): Promise<void> {
  const rows = [];
  if (options.workers) {
    console.log("workers: generating data…");
    const fixtures = await prepareFixtures(workDir, false);
    rows.push(...(await benchWorkers({ root: ROOT, workDir, fixtures, ...options, signal })));
  }
  signal.throwIfAborted();
  const offload = options.offload ? renderOffloadRows(await benchOffload(ROOT, workDir)) : [];
  signal.throwIfAborted();
  const section = `${renderWorkersSection(rows, {
    date: new Date().toISOString(),
    commit: commandOutput("git", ["rev-parse", "--short", "HEAD"]),
  })}${offload.join("\n")}\n`;
  console.log(`\n${section}`);
  await writeWorkersSection(out, section);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env);
  if (options.help) {
    console.log(USAGE);
    return;
  }
  if (process.env.WHARF_BENCH_AUTHORIZATION) {
    console.warn("WHARF_BENCH_AUTHORIZATION is ignored: Wharf+auth gets its own token (see bench/README.md)");
  }
  const workDir = join(BENCH_DIR, "work", `run-${Date.now()}-${process.pid}`);
  await mkdir(workDir, { recursive: true });
  const controller = new AbortController();
  onSignals(workDir, options.keep, controller);
  try {
    await benchmark(options, workDir, controller.signal);
    await benchmarkScale(options, workDir, controller.signal);
  } finally {
    await stopAll();
    if (!options.keep) await rm(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`bench: ${message(error)}`);
  process.exitCode = 1;
});
