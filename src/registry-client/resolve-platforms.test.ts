/**
 * @module
 * resolvePlatforms on a real registry's index and single manifest.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mediaTypes } from "../oci/media-types.ts";
import { skipReason, useRegistryFixture } from "./testing/registry-fixture.ts";

const fixture = useRegistryFixture();

describe("resolvePlatforms", { skip: skipReason }, () => {
  it("lists the manifest of each platform of an index", async () => {
    const { client, server, image } = fixture();
    const result = await client.resolvePlatforms({ domain: server.host, path: "team/app", tag: "multi" });
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.value.isIndex, true);
    assert.equal(result.value.digest, image.index.digest);
    assert.deepEqual(
      result.value.manifests.map((m) => [m.platform?.os, m.platform?.architecture, m.digest, m.size]),
      [
        ["linux", "amd64", image.amd64.digest, image.amd64.bytes.length],
        ["linux", "arm64", image.arm64.digest, image.arm64.bytes.length],
      ],
    );
  });

  it("describes a single-platform image as its one manifest", async () => {
    const { client, server, image } = fixture();
    const result = await client.resolvePlatforms({ domain: server.host, path: "team/app", tag: "arm64" });
    assert.deepEqual(result, {
      ok: true,
      value: {
        digest: image.arm64.digest,
        mediaType: mediaTypes.ociManifest,
        isIndex: false,
        manifests: [{ mediaType: mediaTypes.ociManifest, digest: image.arm64.digest, size: image.arm64.bytes.length }],
      },
    });
  });

  it("passes failures through", async () => {
    const { client, server } = fixture();
    const result = await client.resolvePlatforms({ domain: server.host, path: "team/app", tag: "gone" });
    assert.equal(result.ok ? "ok" : result.failure.kind, "not-found");
  });
});
