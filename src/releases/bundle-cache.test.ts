import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { ReleaseRow } from "../metadata/releases-metadata.ts";
import { type CachedBundle, createBundleCache } from "./bundle-cache.ts";

const release: ReleaseRow = { id: 1, appSlug: "shop", version: "1.0.0", channels: [], images: [], createdAt: 0 };
const file = ({ path, size, mtimeMs }: CachedBundle) => ({ path, size, mtimeMs });
const version = (v: string): ReleaseRow => ({ ...release, version: v });

test("concurrent requests share one build, later ones reuse the file, a failed build is retried", async () => {
  const dir = await mkdtemp(join(tmpdir(), "wharf-bundle-cache-"));
  try {
    let fail = true;
    const cache = createBundleCache(dir, async (row, out) => {
      if (row.version === "2.0.0" && fail) {
        fail = false;
        throw new Error("upstream down");
      }
      await writeFile(out, `bundle of ${row.version}`);
    });
    const [a, b, c] = (await Promise.all([cache.get(release), cache.get(release), cache.get(release)])).map(file);
    assert.equal(cache.stats.builds, 1);
    assert.deepEqual(b, a);
    assert.deepEqual(c, a);
    assert.ok(a);
    assert.equal(a.path, join(dir, "release-bundles", "shop", "1.0.0.tar"));
    assert.equal(await readFile(a.path, "utf8"), "bundle of 1.0.0");
    assert.deepEqual(file(await cache.get(release)), a);
    assert.equal(cache.stats.builds, 1, "the second request reused the file");
    const next = { ...release, version: "2.0.0" };
    await assert.rejects(cache.get(next), /upstream down/);
    assert.equal((await cache.get(next)).size, "bundle of 2.0.0".length);
    assert.equal(cache.stats.builds, 3);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("the cache stays within its bytes, least recently used first, never removing a bundle in use; old bundles go", async () => {
  const dir = await mkdtemp(join(tmpdir(), "wharf-bundle-cache-"));
  try {
    let clock = 1_000_000;
    const cache = createBundleCache(dir, (_row, out) => writeFile(out, Buffer.alloc(100)), {
      maxBytes: 350,
      maxAgeMs: 60_000,
      now: () => clock,
    });
    const shop = join(dir, "release-bundles", "shop");
    const exists = (v: string) =>
      stat(join(shop, `${v}.tar`)).then(
        () => true,
        () => false,
      );
    (await cache.get(version("1"))).done();
    clock += 1;
    const two = await cache.get(version("2"));
    clock += 1;
    (await cache.get(version("3"))).done();
    clock += 1;
    (await cache.get(version("1"))).done(); // 1 used again: 3 is now the least recently used done
    clock += 1;
    (await cache.get(version("4"))).done();
    assert.deepEqual(
      await Promise.all(["1", "2", "3", "4"].map(exists)),
      [true, true, false, true],
      "3 went (2 is older but still being served)",
    );
    two.done();
    clock += 1;
    (await cache.get(version("5"))).done();
    assert.deepEqual(await Promise.all(["1", "2", "4", "5"].map(exists)), [true, false, true, true]);
    clock += 120_000;
    // A build that failed long ago and nobody resumed.
    await writeFile(join(shop, "6.tar.partial"), "half a bundle");
    await utimes(join(shop, "6.tar.partial"), 1, 1);
    const removed = await cache.evict();
    assert.deepEqual(
      removed.sort(),
      [join(shop, "1.tar"), join(shop, "4.tar"), join(shop, "5.tar"), join(shop, "6.tar.partial")].sort(),
    );
    const again = await cache.get(version("5"));
    assert.equal(again.size, 100, "rebuilt on the next request");
    assert.equal(cache.stats.builds, 6);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
