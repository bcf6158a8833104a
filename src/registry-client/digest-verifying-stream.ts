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
