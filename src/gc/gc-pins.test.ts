/**
 * The collector's pins read from releases and from bundle files on disk: a
 * release pins only its own images (source = its application), every blob
 * entry of a complete or partial bundle is pinned, and a truncated bundle
 * pins the entries it holds whole.
 */
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { tarHeader, tarPadding, tarTrailer } from "../airgap/tar-format.ts";
import { readGcPins } from "./gc-pins.ts";

const hex = (n: number) => n.toString(16).padStart(64, "0");

function tar(entries: readonly [string, string][], complete: boolean): Buffer {
  const parts = entries.flatMap(([name, data]) => [
    tarHeader(name, data.length),
    Buffer.from(data),
    tarPadding(data.length),
  ]);
  return Buffer.concat(complete ? [...parts, tarTrailer()] : parts);
}

test("releases pin their own images; bundles, complete or partial, pin their blobs", async () => {
  const dir = await mkdtemp(join(tmpdir(), "wharf-gc-pins-"));
  try {
    const bundles = join(dir, "release-bundles", "shop");
    await mkdir(bundles, { recursive: true });
    await writeFile(
      join(bundles, "1.0.0.tar"),
      tar(
        [
          ["oci-layout", "{}"],
          [`blobs/sha256/${hex(1)}`, "one"],
          [`blobs/sha256/${hex(2)}`, "two"],
        ],
        true,
      ),
    );
    const partial = tar([[`blobs/sha256/${hex(3)}`, "three"]], false);
    await writeFile(join(bundles, "2.0.0.tar.partial"), Buffer.concat([partial, Buffer.alloc(100, 1)]));
    await writeFile(join(bundles, "notes.txt"), tar([[`blobs/sha256/${hex(4)}`, "four"]], true));
    const pins = await readGcPins({
      dataDir: dir,
      releases: async () => [
        {
          appSlug: "shop",
          images: [
            { source: "shop", name: "api", tag: "1", digest: `sha256:${hex(10)}` },
            { source: "public", name: "redis", tag: "7", digest: `sha256:${hex(11)}` },
            { source: "shop", name: "api", digest: `sha256:${hex(12)}` },
          ],
        },
      ],
    });
    assert.deepEqual([...pins.manifests.keys()], ["shop/api"]);
    assert.deepEqual([...pins.manifests.get("shop/api")!].sort(), [`sha256:${hex(10)}`, `sha256:${hex(12)}`]);
    assert.deepEqual(
      [...pins.blobs].sort(),
      [1, 2, 3].map((n) => `sha256:${hex(n)}`),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("without a bundle cache, only releases pin", async () => {
  const pins = await readGcPins({ dataDir: join(tmpdir(), "wharf-no-such-dir"), releases: async () => [] });
  assert.equal(pins.manifests.size, 0);
  assert.equal(pins.blobs.size, 0);
});
