import assert from "node:assert/strict";
import { test } from "node:test";
import { isBundlePath, parseRange } from "./release-bundle-download.ts";

test("ranges: first-last, open-ended, suffix; the last byte is clamped; unsatisfiable ones are refused", () => {
  assert.equal(parseRange(undefined, 100), undefined);
  assert.deepEqual(parseRange("bytes=0-9", 100), { start: 0, end: 9 });
  assert.deepEqual(parseRange("bytes=50-", 100), { start: 50, end: 99 });
  assert.deepEqual(parseRange("bytes=90-500", 100), { start: 90, end: 99 });
  assert.deepEqual(parseRange("bytes=-10", 100), { start: 90, end: 99 });
  for (const bad of ["bytes=100-", "bytes=5-1", "bytes=-", "items=0-1", "bytes=0-1,5-6"]) {
    assert.throws(
      () => parseRange(bad, 100),
      (e: Error & { code?: string }) => e.code === "RANGE_INVALID",
      bad,
    );
  }
});

test("only the bundle path of a release is a download", () => {
  assert.ok(isBundlePath("/api/v1/apps/shop/releases/1.0.0/bundle"));
  assert.ok(!isBundlePath("/api/v1/apps/shop/releases/1.0.0"));
  assert.ok(!isBundlePath("/api/v1/apps/shop/releases/a/b/bundle"));
});
