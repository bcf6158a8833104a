/**
 * @module
 * The worker's side of the cross-process mutex: a {@link KeyedMutex} whose
 * locks the primary hands out (primary-lock-table.ts) over the cluster's IPC
 * channel, so two requests on one upload session never interleave their
 * appends even when they reach different workers.
 */
import type { KeyedMutex } from "../registry/keyed-mutex.ts";
import { isClusterMessage, type LockRelease, type LockRequest } from "./lock-messages.ts";

/** The IPC channel of a worker process (`process` in a cluster worker). */
export interface WorkerChannel {
  send(message: LockRequest | LockRelease): unknown;
  on(event: "message", listener: (message: unknown) => void): unknown;
}

/** A mutex over `channel`; every task runs only once the primary granted its key. */
export function createWorkerMutex(channel: WorkerChannel): KeyedMutex {
  const waiting = new Map<number, () => void>();
  let nextId = 1;
  channel.on("message", (message) => {
    if (!isClusterMessage(message) || message.wharf !== "granted") return;
    const granted = waiting.get(message.id);
    waiting.delete(message.id);
    granted?.();
  });
  return async <T>(key: string, task: () => Promise<T>): Promise<T> => {
    const id = nextId++;
    await new Promise<void>((granted) => {
      waiting.set(id, granted);
      channel.send({ wharf: "lock", id, key });
    });
    try {
      return await task();
    } finally {
      channel.send({ wharf: "unlock", id });
    }
  };
}
