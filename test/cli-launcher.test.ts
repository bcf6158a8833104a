/**
 * @module
 * The `bin/wharf` launcher picks Node 24 and refuses older ones with one line
 * that says how to get it — tried with the machine's own older `node` in a
 * checkout that has no node_modules.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { repoRoot } from "./support/start-wharf.ts";

describe("bin/wharf launcher", () => {
  it("runs under the project's Node 24", () => {
    const result = spawnSync(join(repoRoot, "bin", "wharf"), ["--version"], { encoding: "utf8" });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout.trim(), "0.1.0");
  });

  it("refuses an older node on the PATH with a one-line hint", async (t) => {
    const old = spawnSync("/usr/bin/node", ["-p", "process.versions.node.split('.')[0]"], { encoding: "utf8" });
    if (old.status !== 0 || Number(old.stdout) >= 24) {
      t.skip("this machine has no Node older than 24 at /usr/bin/node to try");
      return;
    }
    const checkout = await mkdtemp(join(tmpdir(), "wharf-launcher-"));
    try {
      await mkdir(join(checkout, "bin"));
      await copyFile(join(repoRoot, "bin", "wharf"), join(checkout, "bin", "wharf"));
      const result = spawnSync("sh", [join(checkout, "bin", "wharf"), "--version"], {
        encoding: "utf8",
        env: { PATH: "/usr/bin:/bin" },
      });
      assert.equal(result.status, 1);
      const lines = result.stderr.trim().split("\n");
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0]!, /Node\.js 24 or newer is required .*npm ci/);
    } finally {
      await rm(checkout, { recursive: true, force: true });
    }
  });
});
