import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { isDomainError } from "../errors/domain-error.ts";
import { createUploadQuota, type UploadQuota } from "../registry/upload-quota.ts";
import { uploadDataPath } from "../storage/blob-paths.ts";
import { createFilesystemDriver } from "../storage/filesystem-driver.ts";
import type { StorageDriver } from "../storage/storage-driver.ts";
import { type CallChannel, createClusterCalls } from "./cluster-calls.ts";
import { uploadQuotaHandlers, workerUploadQuota } from "./upload-quota-calls.ts";

const limits = { maxOpenUploadsPerPrincipal: 2, maxUploadBytesPerPrincipal: 100 };

/** Two ends of an in-process channel that, like Node's IPC, delivers later and as JSON. */
function channelPair(): [CallChannel, CallChannel] {
  const ends = [new EventEmitter(), new EventEmitter()];
  const end = (mine: EventEmitter, other: EventEmitter): CallChannel => ({
    send: (message) => setImmediate(() => other.emit("message", JSON.parse(JSON.stringify(message)))),
    on: (event, listener) => mine.on(event, listener),
  });
  return [end(ends[0]!, ends[1]!), end(ends[1]!, ends[0]!)];
}

/** The primary's keeper over `driver`, and a worker keeper per worker asking it. */
function cluster(driver: StorageDriver, workers: number): { primary: UploadQuota; workers: UploadQuota[] } {
  const primary = createUploadQuota(driver, limits);
  const handlers = uploadQuotaHandlers(() => primary);
  return {
    primary,
    workers: Array.from({ length: workers }, () => {
      const [workerEnd, primaryEnd] = channelPair();
      createClusterCalls(primaryEnd, handlers);
      return workerUploadQuota(createClusterCalls(workerEnd, {}), limits);
    }),
  };
}

/** `driver`, counting its directory listings. */
function countingLists(driver: StorageDriver): { driver: StorageDriver; lists: () => number } {
  let lists = 0;
  return {
    driver: {
      ...driver,
      list: (path) => {
        lists++;
        return driver.list(path);
      },
    },
    lists: () => lists,
  };
}

const denied = (error: unknown) => isDomainError(error, "quota-exceeded");
const session = (n: number) => uploadDataPath("acme/app", `00000000-0000-4000-8000-00000000000${n}`);

describe("upload quotas held by the primary for its workers", async () => {
  const root = await mkdtemp(join(tmpdir(), "wharf-quota-calls-"));
  after(() => rm(root, { recursive: true, force: true }));
  const disk = createFilesystemDriver(root);
  const counted = countingLists(disk);
  const { workers } = cluster(counted.driver, 2);
  const [a, b] = workers as [UploadQuota, UploadQuota];
  const write = (path: string, bytes: number) => disk.write(path, [Buffer.alloc(bytes)], { append: true });
  /** Opens session `n` the way the upload service does: counted first, then its (empty) bytes written. */
  const start = async (worker: UploadQuota, owner: string, n: number) => {
    await worker.open(owner, session(n));
    await write(session(n), 0);
  };

  it("counts the sessions every worker opened and refuses over the limit, with the quota's error", async () => {
    await start(a, "user:ann", 1);
    await start(b, "user:ann", 2);
    await assert.rejects(a.open("user:ann", session(3)), (error: unknown) => {
      assert.ok(denied(error));
      assert.match((error as Error).message, /2 upload sessions open.*maxOpenUploadsPerPrincipal = 2/);
      return true;
    });
    await start(b, "robot:acme+ci", 4);
  });

  it("answers the bytes allowed from growth noted by any worker, without reading the markers again", async () => {
    const before = counted.lists();
    await write(session(1), 30);
    a.grew(session(1), 30);
    assert.equal(await b.allowance("user:ann", session(2)), 70);
    await write(session(2), 50);
    b.grew(session(2), 50);
    assert.equal(await a.allowance("user:ann", session(1)), 20);
    assert.equal(await a.allowance("user:ann", session(4)), Number.POSITIVE_INFINITY, "not ann's session");
    assert.ok(denied(a.overQuota("user:ann")));
    assert.equal(counted.lists(), before, "no directory listing per check");
  });

  it("a session closed on another worker than the one that opened it frees its slot", async () => {
    await b.close(session(1));
    assert.equal(await a.allowance("user:ann", session(2)), 50);
    await start(a, "user:ann", 5);
    await assert.rejects(b.open("user:ann", session(6)), denied);
  });

  it("the marker files stay the truth: a restarted server counts the sessions still open", async () => {
    const restarted = cluster(disk, 1).workers[0]!;
    await assert.rejects(restarted.open("user:ann", session(6)), denied);
    assert.equal(await restarted.allowance("user:ann", session(2)), 50);
    await restarted.close(session(2));
    await start(restarted, "user:ann", 6);
    assert.equal(await restarted.sweep(), 0, "no stale markers are left");
  });
});
