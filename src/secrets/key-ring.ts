/**
 * @module
 * The master-key ring: every key version the server can decrypt with, and
 * the one it encrypts with. Keeping old versions is what makes rotation safe:
 * rows encrypted before a rotation stay readable until they are re-encrypted.
 * The ring hides its key bytes behind a lookup function so that logging or
 * serializing it never prints a key.
 */
import { MasterKeyError } from "./master-key-error.ts";

/** Bytes in an AES-256 key. */
export const masterKeyLength = 32;

/** One version of the master key. */
export interface MasterKey {
  /** A positive integer, unique in its ring. */
  readonly version: number;
  /** Exactly 32 bytes. */
  readonly key: Buffer;
}

/** The keys a server holds. Key bytes are reachable only through {@link KeyRing.keyFor}. */
export interface KeyRing {
  /** The version new ciphertext is encrypted under. */
  readonly currentVersion: number;
  /** Every version held, ascending. */
  readonly versions: readonly number[];
  /** The key of `version`, or undefined when the ring does not hold it. */
  keyFor(version: number): Buffer | undefined;
}

/**
 * Builds a ring from `keys`, encrypting under `currentVersion`. Copies the
 * key bytes, so later changes to the given buffers do not affect the ring.
 * Throws MasterKeyError (`invalid-key`) when `keys` is empty, a version is
 * not a positive safe integer or appears twice, a key is not 32 bytes, or
 * `currentVersion` is not among the versions.
 */
export function createKeyRing(keys: readonly MasterKey[], currentVersion: number): KeyRing {
  if (keys.length === 0) throw invalid("the master key ring is empty: give at least one key");
  const byVersion = new Map<number, Buffer>();
  for (const { version, key } of keys) {
    if (!Number.isSafeInteger(version) || version < 1) {
      throw invalid(`master key version ${version} is not a positive integer`);
    }
    if (byVersion.has(version)) throw invalid(`master key version ${version} is given twice: keep one`);
    if (key.length !== masterKeyLength) {
      throw invalid(
        `master key version ${version} is ${key.length} bytes: it must be exactly ${masterKeyLength} bytes`,
      );
    }
    byVersion.set(version, Buffer.from(key));
  }
  if (!byVersion.has(currentVersion)) {
    throw invalid(
      `the current master key version ${currentVersion} is not among the keys (${[...byVersion.keys()].join(", ")})`,
    );
  }
  const versions = Object.freeze([...byVersion.keys()].sort((a, b) => a - b));
  return Object.freeze({
    currentVersion,
    versions,
    keyFor: (version: number) => byVersion.get(version),
  });
}

function invalid(message: string): MasterKeyError {
  return new MasterKeyError("invalid-key", message);
}
