import assert from "node:assert/strict";
import { test } from "node:test";
import { TagFreshness } from "./tag-freshness.ts";

test("a tag is fresh for the TTL after it was confirmed, and only for the digest confirmed", () => {
  const freshness = new TagFreshness(5 * 60_000);
  assert.equal(freshness.isFresh("proxy/a/u/r", "1.0", "sha256:a", 0), false, "unknown tags are stale");
  freshness.confirm("proxy/a/u/r", "1.0", "sha256:a", 1_000);
  assert.equal(freshness.isFresh("proxy/a/u/r", "1.0", "sha256:a", 1_000 + 5 * 60_000 - 1), true);
  assert.equal(freshness.isFresh("proxy/a/u/r", "1.0", "sha256:a", 1_000 + 5 * 60_000), false);
  assert.equal(freshness.isFresh("proxy/a/u/r", "1.0", "sha256:b", 2_000), false, "another digest is not confirmed");
  assert.equal(freshness.isFresh("proxy/a/u/other", "1.0", "sha256:a", 2_000), false);
});
