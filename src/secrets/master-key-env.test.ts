/**
 * @module
 * Tests of `WHARF_MASTER_KEY` parsing: one key, a version list, both base64
 * alphabets, and refusals that name the entry but never echo a key.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseMasterKeyEnv } from "./master-key-env.ts";
import { MasterKeyError } from "./master-key-error.ts";

const k1 = Buffer.alloc(32, 1);
const k2 = Buffer.alloc(32, 0xfb);

describe("parseMasterKeyEnv", () => {
  test("one base64 key is version 1", () => {
    const ring = parseMasterKeyEnv(` ${k1.toString("base64")}\n`);
    assert.equal(ring.currentVersion, 1);
    assert.deepEqual(ring.keyFor(1), k1);
  });

  test("accepts base64url", () => {
    const ring = parseMasterKeyEnv(k2.toString("base64url"));
    assert.deepEqual(ring.keyFor(1), k2);
  });

  test("a version list makes the highest current", () => {
    const ring = parseMasterKeyEnv(`v2:${k2.toString("base64")}, v1:${k1.toString("base64")}`);
    assert.equal(ring.currentVersion, 2);
    assert.deepEqual(ring.versions, [1, 2]);
    assert.deepEqual(ring.keyFor(1), k1);
  });

  const short = Buffer.alloc(16, 3).toString("base64");
  // biome-ignore format: one case per line reads as a table
  const refusals: readonly (readonly [string, string])[] = [
    ["", "is set but empty"],
    ["   ", "is set but empty"],
    [short, "WHARF_MASTER_KEY decodes to 16 bytes: it must be base64 of exactly 32 bytes"],
    ["not base64!", "WHARF_MASTER_KEY is not base64"],
    [`v1:${k1.toString("base64")},v2:${short}`, "WHARF_MASTER_KEY version 2 decodes to 16 bytes"],
    [`v1:${k1.toString("base64")},${k2.toString("base64")}`, "entry 2 of WHARF_MASTER_KEY must be v<version>:<base64 key>"],
    [`v0:${k1.toString("base64")}`, "entry 1 of WHARF_MASTER_KEY must be"],
    [`v1:${k1.toString("base64")},v1:${k2.toString("base64")}`, "version 1 is given twice"],
    [`v1:${k1.toString("base64")},`, "entry 2 of WHARF_MASTER_KEY"],
  ];
  for (const [value, part] of refusals) {
    test(`refuses ${JSON.stringify(value.slice(0, 20))}…`, () => {
      assert.throws(
        () => parseMasterKeyEnv(value),
        (error) => {
          assert.ok(error instanceof MasterKeyError && error.reason === "invalid-key");
          assert.ok(error.message.includes(part), `${error.message} lacks ${part}`);
          assert.ok(!error.message.includes(short) && !error.message.includes(k1.toString("base64")));
          return true;
        },
      );
    });
  }
});
