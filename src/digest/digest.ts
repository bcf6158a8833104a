/**
 * @module
 * Content digests (`algorithm:encoded`) as the OCI image spec defines them.
 * Wharf accepts sha256 and sha512, the two registered algorithms; anything
 * else is refused (DigestError `digest-invalid`, DIGEST_INVALID on the wire) with a message naming what is accepted.
 */
import { createHash, type Hash } from "node:crypto";
import { DigestError } from "./digest-error.ts";

/** A digest algorithm Wharf can verify. */
export type DigestAlgorithm = "sha256" | "sha512";

const encodedPattern: Record<DigestAlgorithm, RegExp> = {
  sha256: /^[a-f0-9]{64}$/,
  sha512: /^[a-f0-9]{128}$/,
};

/** A parsed, validated digest. `value` is the canonical `algorithm:encoded` string. */
export interface Digest {
  readonly algorithm: DigestAlgorithm;
  readonly encoded: string;
  readonly value: string;
}

/**
 * Parses `algorithm:encoded`. Returns undefined for anything that is not a
 * sha256 or sha512 digest in lower-case hex of the exact length; never throws.
 */
export function tryParseDigest(text: string): Digest | undefined {
  if (text.length > 135) return undefined;
  const colon = text.indexOf(":");
  if (colon <= 0) return undefined;
  const algorithm = text.slice(0, colon);
  const encoded = text.slice(colon + 1);
  if (algorithm !== "sha256" && algorithm !== "sha512") return undefined;
  if (!encodedPattern[algorithm].test(encoded)) return undefined;
  return { algorithm, encoded, value: text };
}

/** Parses a digest or throws a `digest-invalid` DigestError with a message saying what is expected. */
export function parseDigest(text: string, what = "digest"): Digest {
  const digest = tryParseDigest(text);
  if (!digest) {
    throw new DigestError(
      "digest-invalid",
      `invalid ${what} ${JSON.stringify(text.slice(0, 150))}: expected sha256:<64 hex> or sha512:<128 hex>, lower case`,
    );
  }
  return digest;
}

/** A fresh hash for the digest algorithm. */
export function createDigestHash(algorithm: DigestAlgorithm): Hash {
  return createHash(algorithm);
}

/** The sha256 digest of a whole in-memory buffer (manifests, small bodies). */
export function digestOf(data: Uint8Array, algorithm: DigestAlgorithm = "sha256"): string {
  return `${algorithm}:${createHash(algorithm).update(data).digest("hex")}`;
}
