/**
 * @module
 * The traps a newcomer meets starting `wharf serve`, driven through
 * `bin/wharf` as a user runs it: a port out of range or a misspelt
 * `WHARF_*` variable is a one-line error naming the cause (never a stack
 * trace); a port already in use fails before anything is created — no data
 * directory, no administrator password for a server that never ran; a second
 * server on a data directory in use refuses to start, naming the PID; a lock
 * left by a killed server is taken over; the ready line shows the address
 * listened on and the URL to use; `config check` prints durations as written.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { runCommand } from "./support/run-command.ts";
import { repoRoot, useWharf } from "./support/start-wharf.ts";
import { createWharfCli, describeRun, type WharfCli } from "./support/wharf-cli.ts";

let scratch: string;
let cli: WharfCli;

before(async () => {
  scratch = await mkdtemp(join(tmpdir(), "wharf-serve-test-"));
  cli = createWharfCli(join(scratch, "cli"));
});
after(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** Asserts a refusal: exit `code`, one `wharf: …` line matching `pattern`, no stack trace. */
async function refuses(args: readonly string[], code: number, pattern: RegExp): Promise<string> {
  const run = await cli.run(args);
  assert.equal(run.code, code, describeRun(args, run));
  assert.match(run.stderr, pattern, describeRun(args, run));
  assert.doesNotMatch(run.stderr, /^\s+at /m, `a stack trace:\n${describeRun(args, run)}`);
  assert.doesNotMatch(run.stdout, /created the administrator/, describeRun(args, run));
  return run.stderr;
}

describe("wharf serve refuses what cannot work, before touching the disk", () => {
  const running = useWharf({ auth: true });

  test("a port out of range", async () => {
    const data = join(scratch, "out-of-range");
    await refuses(
      ["serve", "--listen", "127.0.0.1:80000", "--data", data],
      2,
      /listen: the port must be between 1 and 65535/,
    );
    assert.ok(!existsSync(data), "the data directory was created");
  });

  test("a port in use: no data directory, no administrator password", async () => {
    const data = join(scratch, "port-in-use");
    const args = ["serve", "--listen", running.host, "--data", data];
    await refuses(args, 1, new RegExp(`cannot listen on ${running.host}: .*EADDRINUSE.*choose another address`));
    assert.ok(!existsSync(data), "the data directory was created");
  });

  test("a second server on the same data directory, naming the running one's PID", async () => {
    const args = ["serve", "--listen", "127.0.0.1:0", "--data", running.dataDir];
    await refuses(args, 2, new RegExp(`another wharf \\(pid ${running.child.pid}\\) is serving the data directory`));
    assert.equal((await readFile(join(running.dataDir, "wharf.lock"), "utf8")).trim(), String(running.child.pid));
  });

  test("a misspelt WHARF_* variable is named, with the key it meant", async () => {
    const bad = await runWith({ WHARF_LOG__LEVL: "debug" }, ["serve", "--data", join(scratch, "never")]);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /log\.levl \(from WHARF_LOG__LEVL\): unknown key; did you mean WHARF_LOG__LEVEL\?/);
    assert.ok(!existsSync(join(scratch, "never")));
  });
});

describe("wharf serve starts over a stale lock and says where it listens", () => {
  test("a lock whose PID is gone is taken over; the ready line has the address and the URL", async () => {
    const data = join(scratch, "stale");
    await mkdir(data, { recursive: true });
    await writeFile(join(data, "wharf.lock"), `${await deadPid()}\n`);
    const child = spawn(join(repoRoot, "bin", "wharf"), ["serve", "--listen", "127.0.0.1:0", "--data", data], {
      env: { ...process.env, WHARF_ADMIN_PASSWORD: "stale-lock-admin-password" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise((done) => child.once("exit", done));
    const line = await new Promise<string>((done, fail) => {
      child.stdout.on("data", () => {
        const found = /^wharf listening on .*$/m.exec(output);
        if (found) done(found[0]);
      });
      child.once("exit", () => fail(new Error(`wharf exited:\n${output}`)));
    });
    assert.match(line, /^wharf listening on 127\.0\.0\.1:(\d+), clients use http:\/\/127\.0\.0\.1:\1 \(data in /);
    assert.equal((await readFile(join(data, "wharf.lock"), "utf8")).trim(), String(child.pid));
    child.kill("SIGTERM");
    await exited;
    assert.ok(!existsSync(join(data, "wharf.lock")), "the lock outlived a graceful stop");
  });

  test("config check prints durations as written", async () => {
    const file = join(scratch, "durations.yaml");
    await writeFile(file, "uploads:\n  expireAfter: 24h\nauth:\n  tokenTtl: 10m\n");
    const shown = JSON.parse((await cli.ok(["config", "check", file])).split("\n").slice(1).join("\n"));
    assert.equal(shown.uploads.expireAfter, "24h");
    assert.equal(shown.auth.tokenTtl, "10m");
    assert.equal(shown.auth.refreshTtl, "30d");
  });
});

/** The PID of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((done) => child.once("exit", done));
  return child.pid!;
}

/** Runs `bin/wharf args…` with extra environment variables. */
function runWith(env: Record<string, string>, args: readonly string[]) {
  return runCommand(join(repoRoot, "bin", "wharf"), args, { env, timeoutMs: 60_000 });
}
