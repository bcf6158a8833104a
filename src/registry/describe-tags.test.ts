import assert from "node:assert/strict";
import { test } from "node:test";
import { digestOf } from "../digest/digest.ts";
import type { ManifestBytes, TagDetailRow } from "../metadata/repository-contents.ts";
import { describeTags } from "./describe-tags.ts";

const oci = "application/vnd.oci.image.manifest.v1+json";
const index = "application/vnd.oci.image.index.v1+json";
const blob = (n: number) => digestOf(Buffer.from(`blob ${n}`));

function bytes(mediaType: string, document: object): ManifestBytes {
  const content = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, ...document }));
  return { digest: digestOf(content), mediaType, size: content.length, content };
}

const image = (config: number, layers: number[]) =>
  bytes(oci, {
    config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: blob(0), size: config },
    layers: layers.map((size, n) => ({
      mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
      digest: blob(n + 1),
      size,
    })),
  });

const tagged = (tag: string, manifest: ManifestBytes): TagDetailRow => ({ ...manifest, tag, pushedAt: 0 });

test("an image's size is its config and layers; an index lists platforms and sums each child once", async () => {
  const amd = image(100, [1000, 2000]);
  const arm = image(50, [500]);
  const list = bytes(index, {
    manifests: [
      { mediaType: oci, digest: amd.digest, size: amd.size, platform: { os: "linux", architecture: "amd64" } },
      {
        mediaType: oci,
        digest: arm.digest,
        size: arm.size,
        platform: { os: "linux", architecture: "arm64", variant: "v8" },
      },
      { mediaType: oci, digest: blob(9), size: 10 },
    ],
  });
  const asked: string[][] = [];
  const views = await describeTags([tagged("one", amd), tagged("multi", list)], async (digests) => {
    asked.push([...digests]);
    return [amd, arm];
  });
  assert.deepEqual(asked, [[amd.digest, arm.digest, blob(9)]], "children are loaded in one call");
  assert.equal(views[0]!.kind, "image");
  assert.equal(views[0]!.size, 3100);
  assert.equal(views[0]!.pushedAt, "1970-01-01T00:00:00.000Z");
  assert.equal(views[1]!.kind, "index");
  assert.deepEqual(views[1]!.platforms, [
    { platform: "linux/amd64", digest: amd.digest, size: 3100 },
    { platform: "linux/arm64/v8", digest: arm.digest, size: 550 },
    { platform: "unknown", digest: blob(9), size: null },
  ]);
  assert.equal(views[1]!.size, null, "a child not in the repository leaves the total unknown");
});

test("a manifest that does not parse is still listed, without a size", async () => {
  const broken: ManifestBytes = { digest: blob(5), mediaType: oci, size: 3, content: Buffer.from("{x") };
  const [view] = await describeTags([tagged("bad", broken)], async () => []);
  assert.deepEqual({ tag: view!.tag, size: view!.size }, { tag: "bad", size: null });
});
