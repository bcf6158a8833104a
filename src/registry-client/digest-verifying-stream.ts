/**
 * @module
 * Content addressing is the registry's only integrity guarantee, and a
 * client that hands on bytes it has not checked passes a corrupt or
 * tampered layer into the proxy's cache or an airgap bundle. Blobs are too
 * big to buffer, so the check happens while the bytes stream through: the
 * stream hashes and counts each chunk, and instead of ending normally it
 * errors when the total does not match the digest (or the announced size).
 */
import type { Readable } from "node:stream";
import { Transform, type TransformCallback } from "node:stream";
import { createDigestHash, type Digest } from "../digest/digest.ts";
import { type BodySink, type BodyTap, BulkBody } from "./bulk-exchange.ts";
import { classifyNetworkError } from "./classify-network-error.ts";
import type { RegistryFailure } from "./registry-result.ts";

/** The error a verified blob stream ends with; `failure` says why in registry-client terms. */
export class BlobStreamError extends Error {
  readonly failure: RegistryFailure;
  constructor(failure: RegistryFailure) {
    super(failure.message);
    this.name = "BlobStreamError";
    this.failure = failure;
  }
}

/**
 * Pipes `source` through a digest check and returns the checked stream.
 * It emits the same bytes; at the end, if their digest is not `expected`
 * or their count is not `expectedSize` (when given), it errors with a
 * BlobStreamError of kind `protocol` instead of ending — so a consumer
 * that writes the bytes somewhere must treat an error as "discard what you
 * wrote". Bytes beyond `expectedSize` fail at once. An error of `source`
 * (reset, timeout) becomes a BlobStreamError of kind `unreachable` (or
 * `tls`). Destroying the returned stream destroys `source`. `what` names
 * the request in messages.
 */
export function verifyDigestStream(
  source: Readable,
  expected: Digest,
  expectedSize: number | undefined,
  what: string,
): Readable {
  const hash = createDigestHash(expected.algorithm);
  let seen = 0;
  const verifier = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      seen += chunk.length;
      if (expectedSize !== undefined && seen > expectedSize) {
        callback(mismatch(`${what}: more than the announced ${expectedSize} bytes arrived`));
        return;
      }
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      if (expectedSize !== undefined && seen !== expectedSize) {
        callback(mismatch(`${what}: ${seen} bytes arrived, ${expectedSize} were announced`));
        return;
      }
      const actual = `${expected.algorithm}:${hash.digest("hex")}`;
      if (actual !== expected.value) {
        callback(mismatch(`${what}: content digest is ${actual}, expected ${expected.value}`));
        return;
      }
      callback();
    },
  });
  source.on("error", (error) => {
    const result = classifyNetworkError(error, what);
    if (!result.ok) verifier.destroy(new BlobStreamError(result.failure));
  });
  verifier.on("close", () => {
    if (!source.readableEnded) source.destroy();
  });
  source.pipe(verifier);
  return verifier;
}

function mismatch(message: string): BlobStreamError {
  return new BlobStreamError({ kind: "protocol", message });
}

/**
 * Taps `source` for `sink` with the same check as {@link verifyDigestStream}:
 * `sink` sees every byte as it arrives and then either `end` (the bytes
 * match `expected` and `expectedSize`) or `error` with a BlobStreamError
 * (`protocol` for a mismatch, as soon as more than `expectedSize` bytes
 * arrived; `unreachable`/`tls` for a lost connection). A {@link BulkBody}
 * hands over views of its reused buffer (valid only during `data`); any
 * other stream its chunks.
 */
export function tapVerified(
  source: Readable,
  expected: Digest,
  expectedSize: number | undefined,
  what: string,
  sink: BodySink,
): BodyTap {
  const hash = createDigestHash(expected.algorithm);
  let seen = 0;
  let failed = false;
  let tap: BodyTap | undefined;
  const fail = (error: BlobStreamError) => {
    if (failed) return;
    failed = true;
    sink.error(error);
    tap?.destroy();
  };
  const checked: BodySink = {
    data(view) {
      if (failed) return false;
      seen += view.length;
      if (expectedSize !== undefined && seen > expectedSize) {
        fail(mismatch(`${what}: more than the announced ${expectedSize} bytes arrived`));
        return false;
      }
      hash.update(view);
      return sink.data(view);
    },
    end() {
      if (failed) return;
      if (expectedSize !== undefined && seen !== expectedSize) {
        return fail(mismatch(`${what}: ${seen} bytes arrived, ${expectedSize} were announced`));
      }
      const actual = `${expected.algorithm}:${hash.digest("hex")}`;
      if (actual !== expected.value)
        return fail(mismatch(`${what}: content digest is ${actual}, expected ${expected.value}`));
      sink.end();
    },
    error(error) {
      const result = classifyNetworkError(error, what);
      fail(result.ok ? mismatch(`${what}: ${error.message}`) : new BlobStreamError(result.failure));
    },
  };
  // A body that arrived whole with its head is handed over (and may fail) within tap() itself.
  tap = source instanceof BulkBody ? source.tap(checked) : tapStream(source, checked);
  if (failed) tap.destroy();
  return tap;
}

/** The tap of a plain stream: its chunks, paused while the sink asks. */
function tapStream(source: Readable, sink: BodySink): BodyTap {
  let over = false;
  source.on("data", (chunk: Buffer) => {
    if (!sink.data(chunk)) source.pause();
  });
  source.on("end", () => {
    over = true;
    sink.end();
  });
  source.on("error", (error) => {
    if (over) return;
    over = true;
    sink.error(error);
  });
  source.on("close", () => {
    if (over) return;
    over = true;
    sink.error(new Error("the connection closed before the body ended"));
  });
  return { resume: () => source.resume(), destroy: (error) => source.destroy(error) };
}
