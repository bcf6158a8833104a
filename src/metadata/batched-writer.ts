/**
 * @module
 * Rows written in batches: recorded items are buffered and written in one
 * call (one transaction) per second or per `maxItems`, whichever comes first,
 * so recording on a hot path (every pull) costs it nothing measurable. A
 * crash can lose at most the last second. The audit log and the per-license
 * pull records share it. With `keyOf`, an item replaces the buffered one of
 * the same key (only the latest per key is written, and `maxItems` counts
 * keys): the tag pull times, where a busy tag is pulled thousands of times a
 * second but one row per tag is all there is to write.
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
  options: { readonly everyMs?: number; readonly maxItems?: number; readonly keyOf?: (item: T) => string } = {},
): BatchedWriter<T> {
  const maxItems = options.maxItems ?? 200;
  const { keyOf } = options;
  let buffer: T[] = [];
  let keyed = new Map<string, T>();
  let flushing: Promise<void> = Promise.resolve();

  function flush(): Promise<void> {
    if (buffer.length === 0 && keyed.size === 0) return flushing;
    const batch = keyOf ? [...keyed.values()] : buffer;
    buffer = [];
    keyed = new Map();
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
      if (keyOf) keyed.set(keyOf(item), item);
      else buffer.push(item);
      if ((keyOf ? keyed.size : buffer.length) >= maxItems) void flush();
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}
