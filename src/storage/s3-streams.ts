/**
 * @module
 * Small helpers on byte streams for the S3 driver: read one chunk ahead to
 * tell an empty source, and cut a stream after a number of bytes.
 */
import type { Readable } from "node:stream";

/** The first `bytes` bytes of `source`, which is destroyed afterwards. */
export async function* take(source: Readable, bytes: number): AsyncIterable<Buffer> {
  let left = bytes;
  for await (const chunk of source) {
    const buffer = chunk as Buffer;
    if (buffer.length >= left) {
      yield buffer.subarray(0, left);
      break;
    }
    left -= buffer.length;
    yield buffer;
  }
  source.destroy();
}

/** The source, or undefined when it turns out to hold no bytes (its first chunk is read ahead). */
export async function peek(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Promise<AsyncIterable<Uint8Array> | undefined> {
  const iterator = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : toAsync(source[Symbol.iterator]());
  let first = await iterator.next();
  while (!first.done && first.value.byteLength === 0) first = await iterator.next();
  if (first.done) return undefined;
  const firstChunk = first.value;
  return (async function* () {
    try {
      yield firstChunk;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    } finally {
      await iterator.return?.();
    }
  })();
}

function toAsync(iterator: Iterator<Uint8Array>): AsyncIterator<Uint8Array> {
  return { next: async () => iterator.next() };
}
