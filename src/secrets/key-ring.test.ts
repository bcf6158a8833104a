/**
 * @module
 * Tests of the master-key ring: lookup, copying, hiding key bytes, and every
 * refusal.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { inspect } from "node:util";
import { createKeyRing } from "./key-ring.ts";
import { MasterKeyError } from "./master-key-error.ts";

const key1 = Buffer.alloc(32, 1);
const key2 = Buffer.alloc(32, 2);

describe("createKeyRing", () => {
  test("looks keys up by version and knows the current one", () => {
    const ring = createKeyRing(
      [
        { version: 2, key: key2 },
        { version: 1, key: key1 },
      ],
      2,
    );
    assert.equal(ring.currentVersion, 2);
    assert.deepEqual(ring.versions, [1, 2]);
    assert.deepEqual(ring.keyFor(1), key1);
    assert.equal(ring.keyFor(3), undefined);
  });

  test("copies the key bytes and never prints them", () => {
    const key = Buffer.alloc(32, 7);
    const ring = createKeyRing([{ version: 1, key }], 1);
    key.fill(0);
    assert.deepEqual(ring.keyFor(1), Buffer.alloc(32, 7));
    assert.ok(!JSON.stringify(ring).includes("7,7"));
    assert.ok(!inspect(ring).includes("07 07"));
  });

  // biome-ignore format: one case per line reads as a table
  const refusals: readonly (readonly [string, () => unknown, string])[] = [
    ["no keys", () => createKeyRing([], 1), "ring is empty"],
    ["version 0", () => createKeyRing([{ version: 0, key: key1 }], 0), "not a positive integer"],
    ["fractional version", () => createKeyRing([{ version: 1.5, key: key1 }], 1.5), "not a positive integer"],
    ["duplicate version", () => createKeyRing([{ version: 1, key: key1 }, { version: 1, key: key2 }], 1), "given twice"],
    ["short key", () => createKeyRing([{ version: 1, key: Buffer.alloc(16) }], 1), "is 16 bytes: it must be exactly 32"],
    ["long key", () => createKeyRing([{ version: 1, key: Buffer.alloc(33) }], 1), "is 33 bytes"],
    ["missing current", () => createKeyRing([{ version: 1, key: key1 }], 2), "current master key version 2 is not among the keys (1)"],
  ];
  for (const [what, build, part] of refusals) {
    test(`refuses ${what}`, () => {
      assert.throws(
        build,
        (error) => error instanceof MasterKeyError && error.reason === "invalid-key" && error.message.includes(part),
      );
    });
  }
});
