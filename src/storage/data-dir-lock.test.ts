import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DataDirLockedError, lockDataDir } from "./data-dir-lock.ts";

describe("lockDataDir", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "wharf-lock-test-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("holds the directory with this PID; a second lock is refused until release", async () => {
    const lock = await lockDataDir(dir);
    assert.equal((await readFile(lock.path, "utf8")).trim(), String(process.pid));
    await assert.rejects(lockDataDir(dir), (error: unknown) => {
      assert.ok(error instanceof DataDirLockedError);
      assert.match(error.message, new RegExp(`another wharf \\(pid ${process.pid}\\) is serving the data directory`));
      return true;
    });
    await lock.release();
    assert.ok(!existsSync(lock.path));
    await (await lockDataDir(dir)).release();
  });

  it("takes over a lock whose process is gone, or whose content is not a PID", async () => {
    const gone = spawnSync(process.execPath, ["-e", ""]).pid;
    for (const content of [`${gone}\n`, "garbage\n"]) {
      await writeFile(join(dir, "wharf.lock"), content);
      const lock = await lockDataDir(dir);
      assert.equal((await readFile(lock.path, "utf8")).trim(), String(process.pid));
      await lock.release();
    }
  });
});
