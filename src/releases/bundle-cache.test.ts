import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { ReleaseRow } from "../metadata/releases-metadata.ts";
import { createBundleCache } from "./bundle-cache.ts";

const release: ReleaseRow = { id: 1, appSlug: "shop", version: "1.0.0", channels: [], images: [], createdAt: 0 };

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
    const [a, b, c] = await Promise.all([cache.get(release), cache.get(release), cache.get(release)]);
    assert.equal(cache.stats.builds, 1);
    assert.deepEqual(b, a);
    assert.deepEqual(c, a);
    assert.equal(a.path, join(dir, "release-bundles", "shop", "1.0.0.tar"));
    assert.equal(await readFile(a.path, "utf8"), "bundle of 1.0.0");
    assert.deepEqual(await cache.get(release), a);
    assert.equal(cache.stats.builds, 1, "the second request reused the file");
    const next = { ...release, version: "2.0.0" };
    await assert.rejects(cache.get(next), /upstream down/);
    assert.equal((await cache.get(next)).size, "bundle of 2.0.0".length);
    assert.equal(cache.stats.builds, 3);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
