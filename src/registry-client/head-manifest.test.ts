/**
 * @module
 * headManifest against a real Distribution registry.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mediaTypes } from "../oci/media-types.ts";
import { skipReason, useRegistryFixture } from "./testing/registry-fixture.ts";

const fixture = useRegistryFixture();

describe("headManifest", { skip: skipReason }, () => {
  it("tells digest, media type and size of a tag", async () => {
    const { client, server, image } = fixture();
    const manifest = await client.headManifest({ domain: server.host, path: "team/app", tag: "amd64" });
    assert.deepEqual(manifest, {
      ok: true,
      value: {
        digest: image.amd64.digest,
        mediaType: mediaTypes.ociManifest,
        size: image.amd64.bytes.length,
      },
    });
    const index = await client.headManifest({ domain: server.host, path: "team/app", tag: "multi" });
    assert.ok(index.ok);
    assert.equal(index.value.mediaType, mediaTypes.ociIndex);
    assert.equal(index.value.digest, image.index.digest);
  });

  it("answers for a digest", async () => {
    const { client, server, image } = fixture();
    const ref = { domain: server.host, path: "team/app", digest: image.arm64.digest };
    const result = await client.headManifest(ref);
    assert.ok(result.ok);
    assert.equal(result.value.digest, image.arm64.digest);
  });

  it("reports a missing manifest as not-found", async () => {
    const { client, server } = fixture();
    const missing = `sha256:${"0".repeat(64)}`;
    for (const ref of [
      { domain: server.host, path: "team/app", tag: "nope" },
      { domain: server.host, path: "team/app", digest: missing },
    ]) {
      const result = await client.headManifest(ref);
      assert.equal(result.ok ? "ok" : result.failure.kind, "not-found");
    }
  });
});
