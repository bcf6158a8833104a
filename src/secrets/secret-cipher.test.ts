/**
 * @module
 * Tests of secret encryption: round trips, the compact format, binding to the
 * associated data, rotation, and the clear errors for an unknown key version,
 * a wrong key, altered data and malformed text — never garbage.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createKeyRing } from "./key-ring.ts";
import type { MasterKeyErrorReason } from "./master-key-error.ts";
import { MasterKeyError } from "./master-key-error.ts";
import { decryptSecret, encryptSecret, keyVersionOf, reencrypt } from "./secret-cipher.ts";

const key1 = Buffer.alloc(32, 1);
const key2 = Buffer.alloc(32, 2);
const ring1 = createKeyRing([{ version: 1, key: key1 }], 1);
const ring12 = createKeyRing(
  [
    { version: 1, key: key1 },
    { version: 2, key: key2 },
  ],
  2,
);
const ad = "acme/quay-io";

function fails(run: () => unknown, reason: MasterKeyErrorReason, part: string): void {
  assert.throws(run, (error) => {
    assert.ok(error instanceof MasterKeyError, String(error));
    assert.equal(error.reason, reason);
    assert.ok(error.message.includes(part), `${error.message} lacks ${part}`);
    return true;
  });
}

describe("secret cipher", () => {
  test("round-trips any text, including empty, ':' and non-ASCII", () => {
    for (const plaintext of ["s3cr3t", "", "pa:ss", "ключ 🔑", "x".repeat(8192)]) {
      assert.equal(decryptSecret(ring1, encryptSecret(ring1, plaintext, ad), ad), plaintext);
    }
  });

  test("writes v<version>:<iv>:<tag>:<ciphertext> with a fresh IV each time", () => {
    const a = encryptSecret(ring12, "s3cr3t", ad);
    const b = encryptSecret(ring12, "s3cr3t", ad);
    assert.match(a, /^v2:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]{8}$/);
    assert.notEqual(a, b);
    assert.equal(keyVersionOf(a), 2);
  });

  test("binds the ciphertext to its associated data", () => {
    const text = encryptSecret(ring1, "s3cr3t", ad);
    fails(
      () => decryptSecret(ring1, text, "acme/other"),
      "authentication",
      "the master key is wrong or the data was altered",
    );
  });

  test("refuses a wrong key", () => {
    const text = encryptSecret(ring1, "s3cr3t", ad);
    const other = createKeyRing([{ version: 1, key: Buffer.alloc(32, 9) }], 1);
    fails(() => decryptSecret(other, text, ad), "authentication", "cannot decrypt");
  });

  test("refuses altered ciphertext, tag or IV", () => {
    const [v, iv, tag, data] = encryptSecret(ring1, "s3cr3t", ad).split(":") as [string, string, string, string];
    const flip = (part: string) => {
      const bytes = Buffer.from(part, "base64url");
      bytes[0] = bytes[0]! ^ 1;
      return bytes.toString("base64url");
    };
    for (const altered of [
      [v, iv, tag, flip(data)],
      [v, iv, flip(tag), data],
      [v, flip(iv), tag, data],
    ]) {
      fails(() => decryptSecret(ring1, altered.join(":"), ad), "authentication", "data was altered");
    }
  });

  test("names an unknown key version and what to do", () => {
    const ring3 = createKeyRing([{ version: 3, key: key1 }], 3);
    const text = encryptSecret(ring3, "s3cr3t", ad);
    fails(
      () => decryptSecret(ring12, text, ad),
      "unknown-version",
      "encrypted with master key version 3, which this server does not have (it has 1, 2): restore the key file or set WHARF_MASTER_KEY",
    );
  });

  // biome-ignore format: one case per line reads as a table
  const malformed: readonly (readonly [string, string])[] = [
    ["", "not in the form"],
    ["s3cr3t", "not in the form"],
    ["v1:a:b", "not in the form"],
    ["v0:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA:", "not in the form"],
    ["1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA:", "not in the form"],
    ["v1:AAAA+AAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA:", "not in the form"],
    ["v1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA:x:y", "not in the form"],
    ["v1:AAAA:AAAAAAAAAAAAAAAAAAAAAA:", "IV is 3 bytes"],
    ["v1:AAAAAAAAAAAAAAAA:AAAAAAAA:", "tag is 6 bytes"],
  ];
  for (const [text, part] of malformed) {
    test(`refuses malformed ${JSON.stringify(text)}`, () =>
      fails(() => decryptSecret(ring1, text, ad), "malformed", part));
  }

  test("reencrypt moves old ciphertext to the current version", () => {
    const old = encryptSecret(ring1, "s3cr3t", ad);
    const rotated = reencrypt(ring12, old, ad);
    assert.equal(keyVersionOf(rotated), 2);
    assert.equal(decryptSecret(ring12, rotated, ad), "s3cr3t");
    fails(() => reencrypt(ring12, old, "acme/other"), "authentication", "cannot decrypt");
  });

  test("keyVersionOf reads only the prefix", () => {
    assert.equal(keyVersionOf("v12:rest"), 12);
    assert.equal(keyVersionOf("v0:rest"), undefined);
    assert.equal(keyVersionOf("plain"), undefined);
    assert.equal(keyVersionOf(`v${"9".repeat(20)}:x`), undefined);
  });
});
