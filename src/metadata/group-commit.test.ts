import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createGroupCommit } from "./group-commit.ts";

describe("group commit", () => {
  it("commits concurrent items together and resolves each after its batch", async () => {
    const batches: number[][] = [];
    const enqueue = createGroupCommit<number>(async (items) => {
      await new Promise((r) => setTimeout(r, 5));
      batches.push([...items]);
    });
    await Promise.all([1, 2, 3, 4].map((n) => enqueue(n)));
    assert.deepEqual(batches.flat().sort(), [1, 2, 3, 4]);
    assert.ok(batches.length < 4, `expected shared batches, got ${JSON.stringify(batches)}`);
  });

  it("fails every item of a failed batch and keeps working afterwards", async () => {
    let fail = true;
    const enqueue = createGroupCommit<string>(async () => {
      if (fail) throw new Error("disk full");
    });
    await assert.rejects(Promise.all([enqueue("a"), enqueue("b")]), /disk full/);
    fail = false;
    await enqueue("c");
  });

  it("caps the batch size", async () => {
    const sizes: number[] = [];
    const enqueue = createGroupCommit<number>(async (items) => {
      sizes.push(items.length);
    }, 3);
    await Promise.all(Array.from({ length: 7 }, (_, n) => enqueue(n)));
    assert.ok(sizes.every((s) => s <= 3));
    assert.equal(
      sizes.reduce((a, b) => a + b, 0),
      7,
    );
  });
});
