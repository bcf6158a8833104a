/**
 * @module
 * Start-up time of `wharf serve`: milliseconds from spawning bin/wharf to
 * its ready line, on the third start of one data directory (the first
 * creates the keys and the administrator, the second writes V8's compile
 * cache), with one process and with `server.workers: 2`, with and without
 * the compile cache (NODE_DISABLE_COMPILE_CACHE=1). Medians of five,
 * interleaved so load changes hit every row alike.
 *
 *   node bench/startup-bench.ts [rounds]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const rounds = Number(process.argv[2] ?? 5);

function start(workers: number, dataDir: string, env: Record<string, string>): Promise<number> {
  return new Promise((done, fail) => {
    const began = performance.now();
    const child = spawn(join(root, "bin", "wharf"), ["serve", "--listen", "127.0.0.1:0", "--data", dataDir], {
      env: {
        ...process.env,
        ...env,
        WHARF_SERVER__WORKERS: String(workers),
        WHARF_ADMIN_PASSWORD: "startup-bench-password",
        WHARF_LOG__LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const look = (chunk: Buffer) => {
      output += chunk.toString();
      if (!output.includes("wharf listening on")) return;
      const ms = performance.now() - began;
      child.kill("SIGTERM");
      child.once("exit", () => done(Math.round(ms)));
    };
    child.stdout.on("data", look);
    child.stderr.on("data", look);
    child.once("exit", () => {
      if (!output.includes("wharf listening on")) fail(new Error(output));
    });
  });
}

const rows: [string, number, Record<string, string>][] = [
  ["1 process, no compile cache", 1, { NODE_DISABLE_COMPILE_CACHE: "1" }],
  ["1 process, compile cache", 1, {}],
  ["2 workers, no compile cache", 2, { NODE_DISABLE_COMPILE_CACHE: "1" }],
  ["2 workers, compile cache", 2, {}],
];
const times = new Map<string, number[]>();
for (let round = 0; round < rounds; round++) {
  for (const [name, workers, env] of rows) {
    const dataDir = mkdtempSync(join(tmpdir(), "wharf-startup-bench-"));
    try {
      await start(workers, dataDir, env);
      await start(workers, dataDir, env);
      times.set(name, [...(times.get(name) ?? []), await start(workers, dataDir, env)]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`load average: ${readFileSync("/proc/loadavg", "utf8").trim()}`);
console.log("| start-up (3rd start, to the ready line) | median ms | runs |\n|---|---|---|");
for (const [name] of rows) console.log(`| ${name} | ${median(times.get(name)!)} | ${times.get(name)!.join(" ")} |`);
