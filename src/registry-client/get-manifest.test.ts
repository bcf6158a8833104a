/**
 * @module
 * getManifest against a real Distribution registry: by tag, by digest,
 * indexes, Accept, absence, and a registry serving corrupted content.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mediaTypes } from "../oci/media-types.ts";
import { corruptStoredBlob } from "./testing/distribution-server.ts";
import { skipReason, useRegistryFixture } from "./testing/registry-fixture.ts";
import { pushTestImage } from "./testing/test-image.ts";

const fixture = useRegistryFixture();

describe("getManifest", { skip: skipReason }, () => {
  it("fetches an image manifest by tag, bytes unchanged", async () => {
    const { client, server, image } = fixture();
    const result = await client.getManifest({ domain: server.host, path: "team/app", tag: "amd64" });
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(result.value.bytes, image.amd64.bytes);
    assert.equal(result.value.mediaType, mediaTypes.ociManifest);
    assert.equal(result.value.digest, image.amd64.digest);
  });

  it("fetches by digest, and prefers the digest over a tag", async () => {
    const { client, server, image } = fixture();
    const byDigest = { domain: server.host, path: "team/app", digest: image.arm64.digest };
    for (const ref of [byDigest, { ...byDigest, tag: "amd64" }]) {
      const result = await client.getManifest(ref);
      assert.ok(result.ok, JSON.stringify(result));
      assert.deepEqual(result.value.bytes, image.arm64.bytes);
      assert.equal(result.value.digest, image.arm64.digest);
    }
  });

  it("fetches an index", async () => {
    const { client, server, image } = fixture();
    const result = await client.getManifest({ domain: server.host, path: "team/app", tag: "multi" });
    assert.ok(result.ok);
    assert.equal(result.value.mediaType, mediaTypes.ociIndex);
    assert.equal(result.value.digest, image.index.digest);
  });

  it("sends the Accept list it is given", async () => {
    const { client, server } = fixture();
    const ref = { domain: server.host, path: "team/app", tag: "amd64" };
    // Distribution will not serve an OCI manifest to a client that does not accept OCI.
    const result = await client.getManifest(ref, { accept: [mediaTypes.dockerManifest] });
    assert.equal(result.ok ? "ok" : result.failure.kind, "not-found");
  });

  it("reports a missing tag or repository as not-found", async () => {
    const { client, server } = fixture();
    for (const path of ["team/app", "team/nothing"]) {
      const result = await client.getManifest({ domain: server.host, path, tag: "missing" });
      assert.ok(!result.ok);
      assert.equal(result.failure.kind, "not-found");
      assert.equal(result.failure.status, 404);
    }
  });

  it("refuses content that does not match the digest", async () => {
    const { client, server } = fixture();
    const corrupt = await pushTestImage({ host: server.host }, "team/corrupt");
    // Still valid JSON, so the registry serves it; but no longer the bytes of that digest.
    await corruptStoredBlob(server, corrupt.amd64.digest, (bytes) => Buffer.concat([bytes, Buffer.from("\n")]));
    const byTag = { domain: server.host, path: "team/corrupt", tag: "amd64" };
    const byDigest = { domain: server.host, path: "team/corrupt", digest: corrupt.amd64.digest };
    for (const [ref, source] of [
      [byTag, "Docker-Content-Digest"],
      [byDigest, "requested"],
    ] as const) {
      const result = await client.getManifest(ref);
      assert.ok(!result.ok, "corruption must be detected");
      assert.equal(result.failure.kind, "protocol");
      assert.ok(result.failure.message.includes(`not the ${source} ${corrupt.amd64.digest}`));
    }
  });
});
