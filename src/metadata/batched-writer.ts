/**
 * @module
 * Rows written in batches: recorded items are buffered and written in one
 * call (one transaction) per second or per `maxItems`, whichever comes first,
 * so recording on a hot path (every pull) costs it nothing measurable. A
 * crash can lose at most the last second. The audit log and the per-license
 * pull records share it.
 */

/** A buffered writer of `T` rows. */
export interface BatchedWriter<T> {
  /** Buffers `item`; writes at once when the buffer is full. */
  push(item: T): void;
  /** Writes everything buffered so far (after any write in progress). */
  flush(): Promise<void>;
  /** Flushes and stops the timer (shutdown). */
  close(): Promise<void>;
}

/**
 * A writer calling `write` with each batch. A failed write is reported to
 * `onError` with the batch size and dropped: records must never break the
 * request that made them.
 */
export function createBatchedWriter<T>(
  write: (batch: T[]) => Promise<void>,
  onError: (error: unknown, count: number) => void,
  options: { readonly everyMs?: number; readonly maxItems?: number } = {},
): BatchedWriter<T> {
  const maxItems = options.maxItems ?? 200;
  let buffer: T[] = [];
  let flushing: Promise<void> = Promise.resolve();

  function flush(): Promise<void> {
    if (buffer.length === 0) return flushing;
    const batch = buffer;
    buffer = [];
    flushing = flushing.then(async () => {
      try {
        await write(batch);
      } catch (error) {
        onError(error, batch.length);
      }
    });
    return flushing;
  }

  const timer = setInterval(() => void flush(), options.everyMs ?? 1000).unref();
  return {
    push(item) {
      buffer.push(item);
      if (buffer.length >= maxItems) void flush();
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}
