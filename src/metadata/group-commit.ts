/**
 * @module
 * Group commit: writes that arrive while a transaction is being committed
 * wait and then go together in the next one. Each caller still resolves
 * only after its own write is durable, but concurrent pushes share one
 * fsync instead of queueing for one each (a commit with `synchronous=FULL`
 * blocks the event loop for the length of an fsync).
 */

/** Runs a batch of items in one transaction; a failure fails every item of the batch. */
export type CommitBatch<T> = (items: readonly T[]) => Promise<void>;

/** A function that queues `item` and resolves once the transaction holding it committed. */
export function createGroupCommit<T>(commit: CommitBatch<T>, maxBatch = 256): (item: T) => Promise<void> {
  let waiting: { item: T; done: () => void; failed: (error: unknown) => void }[] = [];
  let running = false;

  async function drain(): Promise<void> {
    running = true;
    while (waiting.length > 0) {
      const batch = waiting.slice(0, maxBatch);
      waiting = waiting.slice(batch.length);
      try {
        await commit(batch.map((w) => w.item));
        for (const w of batch) w.done();
      } catch (error) {
        for (const w of batch) w.failed(error);
      }
    }
    running = false;
  }

  return (item: T) =>
    new Promise<void>((done, failed) => {
      waiting.push({ item, done, failed });
      if (!running) setImmediate(() => void drain());
    });
}
