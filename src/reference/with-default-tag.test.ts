/**
 * @module
 * `withDefaultTag` is Docker's `TagNameOnly`: only a bare name gains `latest`.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { withDefaultTag } from "./with-default-tag.ts";

const digest = `sha256:${"a".repeat(64)}`;

test("a bare name gets latest, in a new frozen object", () => {
  const ref = { domain: "docker.io", path: "library/alpine" };
  const tagged = withDefaultTag(ref);
  assert.deepEqual(tagged, { domain: "docker.io", path: "library/alpine", tag: "latest" });
  assert.ok(Object.isFrozen(tagged));
  assert.deepEqual(ref, { domain: "docker.io", path: "library/alpine" });
});

test("a tag or a digest is left alone, and the same object is returned", () => {
  for (const ref of [
    { domain: "gcr.io", path: "p/app", tag: "1.0" },
    { domain: "gcr.io", path: "p/app", digest },
    { domain: "gcr.io", path: "p/app", tag: "1.0", digest },
  ]) {
    assert.equal(withDefaultTag(ref), ref);
  }
});
