/**
 * @module
 * The render cache: a license finds only its own renderings by digest,
 * the least recently used go first past the byte bound, and their digest
 * index goes with them.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createRenderCache, type RenderedChart } from "./render-cache.ts";

function chart(name: string, layerBytes: number): RenderedChart {
  const content = Buffer.from(`manifest ${name}`);
  return {
    manifest: { digest: `sha256:m-${name}`, mediaType: "application/json", size: content.length, content },
    layer: { digest: `sha256:l-${name}`, bytes: Buffer.alloc(layerBytes) },
  };
}

test("a license finds its own renderings by manifest or layer digest, another license none", () => {
  const cache = createRenderCache(1_000_000);
  const one = chart("one", 10);
  cache.set(1, "k1", one);
  assert.equal(cache.get("k1"), one);
  assert.equal(cache.byDigest(1, "sha256:m-one"), one);
  assert.equal(cache.byDigest(1, "sha256:l-one"), one);
  assert.equal(cache.byDigest(2, "sha256:m-one"), undefined);
  assert.equal(cache.byDigest(2, "sha256:l-one"), undefined);
});

test("past the bound the least recently used rendering and its digests are dropped", () => {
  const cache = createRenderCache(250);
  cache.set(1, "a", chart("a", 100));
  cache.set(1, "b", chart("b", 100));
  assert.ok(cache.get("a"), "a is now the most recently used");
  cache.set(1, "c", chart("c", 100));
  assert.equal(cache.get("b"), undefined);
  assert.equal(cache.byDigest(1, "sha256:l-b"), undefined);
  assert.ok(cache.get("a"));
  assert.ok(cache.byDigest(1, "sha256:m-c"));
});

test("a rendering larger than the bound is still kept until the next one", () => {
  const cache = createRenderCache(50);
  cache.set(1, "big", chart("big", 100));
  assert.ok(cache.get("big"));
  cache.set(1, "next", chart("next", 10));
  assert.equal(cache.get("big"), undefined);
  assert.ok(cache.get("next"));
});
