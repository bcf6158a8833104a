import assert from "node:assert/strict";
import { test } from "node:test";
import { staleRetryMs, TagFreshness } from "./tag-freshness.ts";

const ttl = 5 * 60_000;

test("a tag is fresh for the TTL after it was confirmed, and only for the digest confirmed", () => {
  const freshness = new TagFreshness(ttl);
  assert.equal(freshness.check("proxy/a/u/r", "1.0", "sha256:a", 0), undefined, "unknown tags are asked about");
  freshness.confirm("proxy/a/u/r", "1.0", "sha256:a", 1_000);
  assert.deepEqual(freshness.check("proxy/a/u/r", "1.0", "sha256:a", 1_000 + ttl - 1), {});
  assert.equal(freshness.check("proxy/a/u/r", "1.0", "sha256:a", 1_000 + ttl), undefined);
  assert.equal(freshness.check("proxy/a/u/r", "1.0", "sha256:b", 2_000), undefined, "another digest is not confirmed");
  assert.equal(freshness.check("proxy/a/u/other", "1.0", "sha256:a", 2_000), undefined);
});

test("a stale answer stands, still marked stale, for a short while only", () => {
  const freshness = new TagFreshness(ttl);
  freshness.servedStale("proxy/a/u/r", "1.0", "sha256:a", "upstream unavailable", 0);
  assert.deepEqual(freshness.check("proxy/a/u/r", "1.0", "sha256:a", staleRetryMs - 1), {
    stale: "upstream unavailable",
  });
  assert.equal(freshness.check("proxy/a/u/r", "1.0", "sha256:a", staleRetryMs), undefined);
  const short = new TagFreshness(1_000);
  short.servedStale("r", "t", "sha256:a", "upstream rate-limited", 0);
  assert.equal(short.check("r", "t", "sha256:a", 1_000), undefined, "never longer than the TTL");
});
