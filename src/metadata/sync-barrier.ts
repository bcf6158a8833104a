/**
 * @module
 * A shared fsync: callers that need "everything written so far is on disk"
 * share one sync instead of queueing for one each. A caller that arrives
 * while a sync runs cannot count on it (its write may have come too late),
 * so it waits for the next one, which every caller arriving meanwhile
 * shares: however many commits land during one fsync, the next fsync covers
 * them all (group commit).
 */

/** Resolves once a sync that started after the call has finished. */
export type SyncBarrier = () => Promise<void>;

/** Creates a barrier over `syncNow` (one sync at a time; at most one queued behind it). */
export function createSyncBarrier(syncNow: () => Promise<void>): SyncBarrier {
  let running = false;
  let queued: PromiseWithResolvers<void> | undefined;

  function run(): Promise<void> {
    running = true;
    const sync = syncNow();
    const done = () => {
      running = false;
      const next = queued;
      queued = undefined;
      if (next) run().then(next.resolve, next.reject);
    };
    sync.then(done, done);
    return sync;
  }

  return () => {
    if (!running) return run();
    queued ??= Promise.withResolvers<void>();
    return queued.promise;
  };
}
