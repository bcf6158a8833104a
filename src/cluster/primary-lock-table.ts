/**
 * @module
 * The primary's side of the cross-process mutex: one FIFO queue of waiters
 * per key, across every worker. A worker that dies loses its place and its
 * held locks at once, so a crash never leaves an upload session locked.
 */

/** Who asked for a lock: a worker (by its cluster id) and the worker's request id. */
interface Waiter {
  readonly worker: number;
  readonly id: number;
}

/** The lock table; `grant` sends the answer to the worker that now holds the lock. */
export interface PrimaryLockTable {
  /** Queues `worker`'s request `id` for `key`; granted at once when nobody holds it. */
  request(worker: number, id: number, key: string): void;
  /** `worker` ended its task under lock `id`; the next waiter of that key is granted. */
  release(worker: number, id: number): void;
  /** `worker` exited: drops its requests and passes on the locks it held. */
  forget(worker: number): void;
  /** How many keys are held or waited for (for tests). */
  size(): number;
}

/** Creates an empty table that calls `grant(worker, id)` whenever a lock passes to a waiter. */
export function createPrimaryLockTable(grant: (worker: number, id: number) => void): PrimaryLockTable {
  /** Key → waiters, the head holding the lock. */
  const queues = new Map<string, Waiter[]>();
  /** `worker:id` → key, to find a release's queue. */
  const keyOf = new Map<string, string>();
  const name = (worker: number, id: number) => `${worker}:${id}`;

  function advance(key: string, queue: Waiter[]): void {
    queue.shift();
    const next = queue[0];
    if (next) grant(next.worker, next.id);
    else queues.delete(key);
  }

  return {
    request(worker, id, key) {
      const queue = queues.get(key) ?? [];
      queues.set(key, queue);
      keyOf.set(name(worker, id), key);
      queue.push({ worker, id });
      if (queue.length === 1) grant(worker, id);
    },
    release(worker, id) {
      const key = keyOf.get(name(worker, id));
      if (key === undefined) return;
      keyOf.delete(name(worker, id));
      const queue = queues.get(key)!;
      const head = queue[0]!;
      if (head.worker === worker && head.id === id) return advance(key, queue);
      // Released before it was granted (a worker never does this, but stay consistent).
      queue.splice(
        queue.findIndex((w) => w.worker === worker && w.id === id),
        1,
      );
    },
    forget(worker) {
      for (const [entry, key] of keyOf) {
        if (entry.startsWith(`${worker}:`)) keyOf.delete(entry);
        else continue;
        const queue = queues.get(key);
        if (!queue) continue;
        const headWasOurs = queue[0]?.worker === worker;
        const kept = queue.filter((w) => w.worker !== worker);
        if (kept.length === 0) queues.delete(key);
        else {
          queues.set(key, kept);
          if (headWasOurs) grant(kept[0]!.worker, kept[0]!.id);
        }
      }
    },
    size: () => queues.size,
  };
}
