import assert from "node:assert/strict";
import { test } from "node:test";
import { checkChannels, checkImages, checkVersion } from "./release-input.ts";

test("versions are tag-shaped; channels lower-case and de-duplicated", () => {
  assert.equal(checkVersion("1.4.0-rc.1"), "1.4.0-rc.1");
  for (const bad of ["", "../x", "-1", ".1", "a/b", "x".repeat(129)]) {
    assert.throws(() => checkVersion(bad), /is not valid: use 1-128/, bad);
  }
  assert.deepEqual(checkChannels(["stable", "beta", "stable"]), ["stable", "beta"]);
  assert.throws(() => checkChannels(["Stable"]), /channel "Stable" is not valid/);
});

test("image entries need a path, a source and exactly one of tag or digest; the error names the entry", () => {
  const ok = { name: "acme/api", source: "quay", tag: "1.0" };
  assert.deepEqual(checkImages([ok]), [ok]);
  assert.throws(() => checkImages([]), /at least one image/);
  assert.throws(() => checkImages([ok, { name: "Acme", source: "quay", tag: "1" }]), /images\[1\]\.name "Acme"/);
  assert.throws(
    () => checkImages([{ name: "a", source: "quay" }]),
    /images\[0\] \(a\): give exactly one of tag or digest/,
  );
  assert.throws(
    () => checkImages([{ name: "a", source: "quay", tag: "1", digest: `sha256:${"a".repeat(64)}` }]),
    /exactly one/,
  );
  assert.throws(() => checkImages([{ name: "a", source: "quay", digest: "sha256:short" }]), /is not a digest/);
  assert.throws(() => checkImages([{ name: "a", source: "no/slash", tag: "1" }]), /source "no\/slash" is not valid/);
});
