/**
 * @module
 * The master key given through the environment (`WHARF_MASTER_KEY`), for
 * deployments where the data directory is not the right place for a key:
 * several stateless nodes, or keys held by a secret manager. One key is
 * plain base64; during a rotation several are listed as
 * `v1:<base64>,v2:<base64>`, and the highest version encrypts. Messages never
 * echo the value, only where in it the problem is.
 */
import { createKeyRing, type KeyRing, type MasterKey, masterKeyLength } from "./key-ring.ts";
import { MasterKeyError } from "./master-key-error.ts";

/** The environment variable that holds the master key. */
export const masterKeyEnvVar = "WHARF_MASTER_KEY";

const base64 = /^(?:[A-Za-z0-9+/]+={0,2}|[A-Za-z0-9_-]+)$/;
const hint = "generate one with `openssl rand -base64 32`";

/**
 * Parses a `WHARF_MASTER_KEY` value (outer whitespace ignored) into a ring:
 * base64 (standard or base64url) of 32 bytes is version 1; a comma-separated
 * list of `v<N>:<base64>` gives those versions with the highest current.
 * Throws MasterKeyError (`invalid-key`) for an empty value, a list entry not
 * of that form, text that is not base64, a key that is not 32 bytes, or a
 * version given twice — naming the entry, never its key.
 */
export function parseMasterKeyEnv(value: string): KeyRing {
  const text = value.trim();
  if (text === "") {
    throw invalid(
      `${masterKeyEnvVar} is set but empty: unset it to use the key file in the data directory, or give base64 of ${masterKeyLength} random bytes (${hint})`,
    );
  }
  if (!text.includes(":") && !text.includes(",")) {
    const ring = [{ version: 1, key: decodeKey(text, `${masterKeyEnvVar}`) }];
    return createKeyRing(ring, 1);
  }
  const keys = text.split(",").map((entry, index) => parseEntry(entry.trim(), index + 1));
  return createKeyRing(keys, Math.max(...keys.map((key) => key.version)));
}

function parseEntry(entry: string, position: number): MasterKey {
  const match = /^v([1-9][0-9]{0,8}):(.*)$/.exec(entry);
  if (!match) {
    throw invalid(
      `entry ${position} of ${masterKeyEnvVar} must be v<version>:<base64 key>, as in "v1:…,v2:…" (versions are positive integers)`,
    );
  }
  const version = Number(match[1]);
  return { version, key: decodeKey(match[2]!, `${masterKeyEnvVar} version ${version}`) };
}

function decodeKey(text: string, where: string): Buffer {
  if (!base64.test(text)) throw invalid(`${where} is not base64: ${hint}`);
  const key = Buffer.from(text, text.includes("-") || text.includes("_") ? "base64url" : "base64");
  if (key.length !== masterKeyLength) {
    throw invalid(
      `${where} decodes to ${key.length} bytes: it must be base64 of exactly ${masterKeyLength} bytes (${hint})`,
    );
  }
  return key;
}

function invalid(message: string): MasterKeyError {
  return new MasterKeyError("invalid-key", message);
}
