/**
 * @module
 * The filesystem driver on a full disk: a write that runs out of space fails
 * with a StorageBackendError naming the cause (the http layer answers it with
 * a retryable UNAVAILABLE) and leaves no object behind. Needs a 1 MiB tmpfs,
 * so it runs as root only (skipped otherwise).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { createFilesystemDriver } from "./filesystem-driver.ts";
import { StorageBackendError } from "./storage-driver.ts";

const run = promisify(execFile);

test("a write that fills the disk is a StorageBackendError and leaves nothing", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "wharf-full-"));
  try {
    await run("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", dir]);
  } catch {
    await rm(dir, { recursive: true, force: true });
    return t.skip("mounting a tmpfs needs root");
  }
  try {
    const driver = createFilesystemDriver(dir);
    const chunks = Array.from({ length: 32 }, () => Buffer.alloc(64 * 1024, 1));
    await assert.rejects(driver.write("blobs/big", chunks), (error: unknown) => {
      assert.ok(error instanceof StorageBackendError);
      assert.match(error.message, /no space left on the blob store writing blobs\/big \(ENOSPC\)/);
      return true;
    });
    assert.equal(await driver.stat("blobs/big"), undefined);
    await driver.write("blobs/small", [Buffer.from("still writable")]);
    assert.equal((await driver.getContent("blobs/small"))?.toString(), "still writable");
  } finally {
    await run("umount", [dir]);
    await rm(dir, { recursive: true, force: true });
  }
});
