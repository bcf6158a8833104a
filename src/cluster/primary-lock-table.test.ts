import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createPrimaryLockTable } from "./primary-lock-table.ts";
import { createWorkerMutex } from "./worker-mutex.ts";

describe("the primary's lock table", () => {
  test("grants one holder per key at a time, in order of request, across workers", () => {
    const granted: string[] = [];
    const table = createPrimaryLockTable((worker, id) => granted.push(`${worker}:${id}`));
    table.request(1, 1, "upload-a");
    table.request(2, 1, "upload-a");
    table.request(2, 2, "upload-b");
    assert.deepEqual(granted, ["1:1", "2:2"]);
    table.release(1, 1);
    assert.deepEqual(granted, ["1:1", "2:2", "2:1"]);
    table.release(2, 1);
    table.release(2, 2);
    assert.equal(table.size(), 0);
  });

  test("a worker that dies gives up its held locks and its place in line", () => {
    const granted: string[] = [];
    const table = createPrimaryLockTable((worker, id) => granted.push(`${worker}:${id}`));
    table.request(1, 1, "k");
    table.request(1, 2, "k");
    table.request(3, 7, "k");
    table.request(1, 3, "other");
    table.forget(1);
    assert.deepEqual(granted, ["1:1", "1:3", "3:7"]);
    table.release(3, 7);
    assert.equal(table.size(), 0);
  });
});

describe("workers' mutexes over the primary's table", () => {
  test("two workers' tasks on one key never overlap; other keys run alongside", async () => {
    // Two worker channels wired to one table, as the cluster's IPC would.
    const listeners = new Map<number, (message: unknown) => void>();
    const table = createPrimaryLockTable((worker, id) => listeners.get(worker)?.({ wharf: "granted", id }));
    const channel = (worker: number) => ({
      send(message: { wharf: string; id: number; key?: string }) {
        queueMicrotask(() => {
          if (message.wharf === "lock") table.request(worker, message.id, message.key!);
          else table.release(worker, message.id);
        });
      },
      on(_event: "message", listener: (message: unknown) => void) {
        listeners.set(worker, listener);
      },
    });
    const first = createWorkerMutex(channel(1));
    const second = createWorkerMutex(channel(2));
    const events: string[] = [];
    let releaseFirst!: () => void;
    const firstHolds = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    const a = first("session", async () => {
      events.push("a start");
      await firstHolds;
      events.push("a end");
    });
    const b = second("session", async () => {
      events.push("b start");
    });
    const c = second("elsewhere", async () => {
      events.push("c");
    });
    await c;
    assert.deepEqual(events, ["a start", "c"]);
    releaseFirst();
    await Promise.all([a, b]);
    assert.deepEqual(events, ["a start", "c", "a end", "b start"]);
    assert.equal(table.size(), 0);
  });
});
