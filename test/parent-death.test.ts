/**
 * @module
 * `npm start` under a supervisor: the server runs below a shell (npm's
 * `sh -c`), and when that parent dies the server must not live on as an
 * orphan. A shell starts `bin/wharf serve` as npm would (with
 * `npm_lifecycle_event` set); the test kills the shell with SIGKILL and
 * waits for the server's output pipe to close — the server noticed, shut
 * down gracefully and exited — then checks that its port no longer answers.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { shouldExitWithParent } from "../src/cli/parent-watch.ts";
import { removeDataDir, repoRoot } from "./support/start-wharf.ts";

describe("the server stops when its parent dies", () => {
  test("only under an npm script or when asked", () => {
    assert.equal(shouldExitWithParent(undefined, { npm_lifecycle_event: "start" }), true);
    assert.equal(shouldExitWithParent(true, {}), true);
    assert.equal(shouldExitWithParent(undefined, {}), false, "systemd, containers and nohup keep their server");
  });

  test("killing the shell npm start runs the server under stops the server", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "wharf-parent-"));
    const wharf = join(repoRoot, "bin", "wharf");
    const shell = spawn(
      "sh",
      ["-c", `"${wharf}" serve --listen 127.0.0.1:0 --data "${dataDir}" & echo "pid:$!"; wait`],
      {
        env: { ...process.env, npm_lifecycle_event: "start", WHARF_AUTH__ENABLED: "false", WHARF_LOG__LEVEL: "info" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    shell.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const closed = new Promise<void>((resolve) => shell.stdout.once("close", () => resolve()));
    let serverPid: number | undefined;
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the server did not start in 20 s:\n${output}`)), 20_000);
        shell.stdout.on("data", (chunk: Buffer) => {
          output += chunk.toString();
          serverPid ??= Number(/pid:(\d+)/.exec(output)?.[1]) || undefined;
          const found = /wharf listening on (127\.0\.0\.1:\d+)/.exec(output);
          if (found) {
            clearTimeout(timer);
            resolve(`http://${found[1]}`);
          }
        });
        shell.once("exit", () => reject(new Error(`the shell exited before the server was ready:\n${output}`)));
      });
      assert.equal((await fetch(`${url}/healthz`)).status, 200);
      shell.kill("SIGKILL");
      // The server holds the write end of the pipe: it closes when the server has exited.
      await closed;
      assert.match(output, /parent process exited/, output);
      await assert.rejects(fetch(`${url}/healthz`), "nothing listens any more");
    } finally {
      if (serverPid !== undefined) {
        try {
          process.kill(serverPid, "SIGKILL");
        } catch {}
      }
      await removeDataDir(dataDir);
    }
  });
});
