/**
 * @module
 * Encryption of secret values at rest: AES-256-GCM under the master-key ring.
 * The stored form is one compact string, `v<version>:<iv>:<tag>:<ciphertext>`
 * (base64url parts), so a row carries the key version it needs and rotation
 * can proceed row by row. The associated data (e.g. `org/secret-name`) binds
 * a ciphertext to its row: copied into another row, it fails to decrypt
 * rather than leaking one secret under another's name. GCM's tag means a
 * wrong key or altered data is an error, never garbage.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { KeyRing } from "./key-ring.ts";
import { MasterKeyError } from "./master-key-error.ts";

const algorithm = "aes-256-gcm";
const ivBytes = 12;
const tagBytes = 16;
const base64url = /^[A-Za-z0-9_-]*$/;

/**
 * Encrypts `plaintext` (UTF-8) under the ring's current key with a fresh
 * random 12-byte IV, bound to `associatedData` (UTF-8; may be ""). Returns
 * `v<version>:<iv>:<tag>:<ciphertext>`; the same input encrypts differently
 * every time. An empty plaintext gives an empty last part.
 */
export function encryptSecret(ring: KeyRing, plaintext: string, associatedData: string): string {
  const key = ring.keyFor(ring.currentVersion)!;
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv(algorithm, key, iv, { authTagLength: tagBytes });
  cipher.setAAD(Buffer.from(associatedData, "utf8"));
  const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const parts = [iv, cipher.getAuthTag(), data].map((part) => part.toString("base64url"));
  return `v${ring.currentVersion}:${parts.join(":")}`;
}

/**
 * Decrypts what {@link encryptSecret} produced with the same associated data.
 * Throws MasterKeyError: `malformed` when `text` is not that form (wrong part
 * count, bad base64url, IV not 12 bytes, tag not 16 bytes); `unknown-version`
 * when the ring lacks its key version; `authentication` when the key is wrong,
 * the data was altered, or `associatedData` differs.
 */
export function decryptSecret(ring: KeyRing, text: string, associatedData: string): string {
  const { version, iv, tag, data } = parseCiphertext(text);
  const key = ring.keyFor(version);
  if (key === undefined) {
    throw new MasterKeyError(
      "unknown-version",
      `encrypted with master key version ${version}, which this server does not have (it has ${ring.versions.join(", ")}): restore the key file or set WHARF_MASTER_KEY`,
    );
  }
  const decipher = createDecipheriv(algorithm, key, iv, { authTagLength: tagBytes });
  decipher.setAuthTag(tag);
  decipher.setAAD(Buffer.from(associatedData, "utf8"));
  try {
    return Buffer.concat([decipher.update(data), decipher.final()]).toString("utf8");
  } catch (error) {
    throw new MasterKeyError("authentication", "cannot decrypt: the master key is wrong or the data was altered", {
      cause: error,
    });
  }
}

/**
 * Decrypts `text` and encrypts it again under the ring's current version,
 * with a fresh IV (also when it already was current). Throws as
 * {@link decryptSecret} does; the plaintext never leaves this function.
 */
export function reencrypt(ring: KeyRing, text: string, associatedData: string): string {
  return encryptSecret(ring, decryptSecret(ring, text, associatedData), associatedData);
}

/**
 * The key version `text` names, or undefined when it does not start with
 * `v<positive integer>:`. Lets a rotation job skip rows already current
 * without decrypting them. Does not check the rest of `text`.
 */
export function keyVersionOf(text: string): number | undefined {
  const match = /^v([1-9][0-9]*):/.exec(text);
  const version = Number(match?.[1]);
  return match && Number.isSafeInteger(version) ? version : undefined;
}

function parseCiphertext(text: string): { version: number; iv: Buffer; tag: Buffer; data: Buffer } {
  const parts = text.split(":");
  const version = keyVersionOf(text);
  if (parts.length !== 4 || version === undefined || !parts.slice(1).every((p) => base64url.test(p))) {
    throw malformed("it is not in the form v<version>:<iv>:<tag>:<ciphertext>");
  }
  const [iv, tag, data] = parts.slice(1).map((part) => Buffer.from(part, "base64url")) as [Buffer, Buffer, Buffer];
  if (iv.length !== ivBytes) throw malformed(`its IV is ${iv.length} bytes, not ${ivBytes}`);
  if (tag.length !== tagBytes) throw malformed(`its tag is ${tag.length} bytes, not ${tagBytes}`);
  return { version, iv, tag, data };
}

function malformed(why: string): MasterKeyError {
  return new MasterKeyError("malformed", `cannot decrypt a stored secret: ${why} (the data was altered)`);
}
