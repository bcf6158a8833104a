/**
 * @module
 * Wraps a body stream so its bytes are hashed and counted as they flow to the
 * storage driver: the digest is known the moment the last byte is written,
 * without reading the blob back.
 */
import type { Hash } from "node:crypto";

/** The running totals of a {@link hashingSource}. */
export interface HashingProgress {
  bytes: number;
}

/**
 * Yields `body` unchanged, feeding every chunk to `hash` (when given) and
 * counting bytes into `progress`. When `limit` is set, more bytes than that
 * fail the stream with `onTooLong()`'s error.
 */
export async function* hashingSource(
  body: AsyncIterable<Uint8Array>,
  hash: Hash | undefined,
  progress: HashingProgress,
  limit?: { bytes: number; onTooLong: () => Error },
): AsyncIterable<Uint8Array> {
  for await (const chunk of body) {
    progress.bytes += chunk.length;
    if (limit && progress.bytes > limit.bytes) throw limit.onTooLong();
    hash?.update(chunk);
    yield chunk;
  }
}
