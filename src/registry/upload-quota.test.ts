import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { isDomainError } from "../errors/domain-error.ts";
import { uploadDataPath } from "../storage/blob-paths.ts";
import { createFilesystemDriver } from "../storage/filesystem-driver.ts";
import { createUploadQuota } from "./upload-quota.ts";

const limits = { maxOpenUploadsPerPrincipal: 2, maxUploadBytesPerPrincipal: 100 };

describe("upload quota over shared storage", async () => {
  const root = await mkdtemp(join(tmpdir(), "wharf-quota-"));
  after(() => rm(root, { recursive: true, force: true }));
  const driver = createFilesystemDriver(root);
  let clock = 0;
  const nodeA = createUploadQuota(driver, limits, () => clock);
  const nodeB = createUploadQuota(driver, limits, () => clock);
  const session = async (id: string, bytes: number) => {
    const path = uploadDataPath("acme/app", id);
    await driver.write(path, bytes > 0 ? [Buffer.alloc(bytes)] : [], { append: true });
    return path;
  };
  const denied = (error: unknown) => isDomainError(error, "quota-exceeded");

  it("counts sessions opened on another node and refuses over the limit", async () => {
    const first = "00000000-0000-4000-8000-000000000001";
    const second = "00000000-0000-4000-8000-000000000002";
    await nodeA.open("user:ann", uploadDataPath("acme/app", first));
    await session(first, 30);
    await nodeA.open("user:ann", uploadDataPath("acme/app", second));
    await session(second, 50);
    await assert.rejects(nodeB.open("user:ann", uploadDataPath("acme/app", "x")), denied);
    await nodeB.open("robot:acme+ci", await session("00000000-0000-4000-8000-000000000003", 0));
    assert.equal(await nodeB.allowance("user:ann", uploadDataPath("acme/app", first)), 20);
  });

  it("a session finished elsewhere frees its slot as soon as a refusal would be due", async () => {
    const first = uploadDataPath("acme/app", "00000000-0000-4000-8000-000000000001");
    await driver.delete(first); // finished on a third node: bytes moved away, marker left behind
    await nodeB.open("user:ann", await session("00000000-0000-4000-8000-000000000004", 0));
    await assert.rejects(nodeB.open("user:ann", uploadDataPath("acme/app", "y")), denied);
  });

  it("closing removes the marker, so a restarted node counts one session fewer", async () => {
    await nodeB.close(uploadDataPath("acme/app", "00000000-0000-4000-8000-000000000004"));
    clock += 61_000;
    const restarted = createUploadQuota(driver, limits, () => clock);
    await restarted.open("user:ann", await session("00000000-0000-4000-8000-000000000005", 0));
    assert.equal(await restarted.sweep(), 0, "no stale markers are left");
  });
});
