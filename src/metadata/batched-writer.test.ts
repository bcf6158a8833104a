import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createBatchedWriter } from "./batched-writer.ts";

describe("batched writer", () => {
  it("with keyOf keeps only the latest item per key, and counts keys towards maxItems", async () => {
    const batches: { key: string; n: number }[][] = [];
    const writer = createBatchedWriter<{ key: string; n: number }>(
      async (batch) => {
        batches.push(batch);
      },
      () => assert.fail("no write fails"),
      { keyOf: (item) => item.key, maxItems: 3, everyMs: 60_000 },
    );
    for (let n = 0; n < 100; n++) writer.push({ key: n % 2 === 0 ? "a" : "b", n });
    await writer.flush();
    assert.deepEqual(batches, [
      [
        { key: "a", n: 98 },
        { key: "b", n: 99 },
      ],
    ]);
    for (const key of ["c", "d", "e"]) writer.push({ key, n: 0 });
    await writer.close();
    assert.equal(batches.length, 2, "three distinct keys fill the batch");
    assert.deepEqual(
      batches[1]!.map((item) => item.key),
      ["c", "d", "e"],
    );
  });

  it("without keyOf writes every item", async () => {
    const batches: number[][] = [];
    const writer = createBatchedWriter<number>(
      async (batch) => {
        batches.push(batch);
      },
      () => assert.fail("no write fails"),
      { everyMs: 60_000 },
    );
    for (const n of [1, 1, 2]) writer.push(n);
    await writer.close();
    assert.deepEqual(batches, [[1, 1, 2]]);
  });
});
