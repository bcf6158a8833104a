/**
 * @module
 * Pushing through the registry client into a real Distribution registry
 * behind htpasswd: a blob is uploaded once, then found (`exists`), mounted
 * into another repository without sending bytes, and a manifest referencing
 * it is stored and read back byte for byte; referrers come back empty on a
 * registry without any, through the tag-schema fallback.
 */
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { describe, it } from "node:test";
import { digestOf } from "../digest/digest.ts";
import { skipReason, useRegistryFixture } from "./testing/registry-fixture.ts";

const fixture = useRegistryFixture({ basicAuth: true });

describe("pushBlob, putManifest, listReferrers", { skip: skipReason }, () => {
  it("uploads, finds, mounts, and stores a manifest that reads back identically", async () => {
    const { client, server } = fixture();
    const bytes = Buffer.from("a blob pushed by the registry client\n".repeat(1000));
    const digest = digestOf(bytes);
    let opened = 0;
    const blob = {
      digest,
      size: bytes.length,
      open: () => {
        opened += 1;
        return Readable.from([bytes]);
      },
    };
    const first = { domain: server.host, path: "pushed/one" };
    assert.deepEqual(await client.pushBlob(first, blob), { ok: true, value: "uploaded" });
    assert.deepEqual(await client.pushBlob(first, blob), { ok: true, value: "exists" });
    const second = { domain: server.host, path: "pushed/two" };
    assert.deepEqual(await client.pushBlob(second, { ...blob, mountFrom: "pushed/one" }), {
      ok: true,
      value: "mounted",
    });
    assert.ok(opened >= 1 && opened <= 2, `the body was opened ${opened} times`);

    const config = Buffer.from("{}");
    await client.pushBlob(second, {
      digest: digestOf(config),
      size: config.length,
      open: () => Readable.from([config]),
    });
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: {
          mediaType: "application/vnd.oci.image.config.v1+json",
          digest: digestOf(config),
          size: config.length,
        },
        layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", digest, size: bytes.length }],
      }),
    );
    const put = await client.putManifest(second, "v1", manifest, "application/vnd.oci.image.manifest.v1+json");
    assert.ok(put.ok, JSON.stringify(put));
    assert.equal(put.value.digest, digestOf(manifest));
    const back = await client.getManifest({ ...second, tag: "v1" });
    assert.ok(back.ok);
    assert.deepEqual(Buffer.from(back.value.bytes), manifest);
    const referrers = await client.listReferrers(second, digestOf(manifest));
    assert.deepEqual(referrers, { ok: true, value: [] });
  });

  it("a manifest whose blobs are missing is refused with a typed failure", async () => {
    const { client, server } = fixture();
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: `sha256:${"0".repeat(64)}`, size: 2 },
        layers: [],
      }),
    );
    const put = await client.putManifest(
      { domain: server.host, path: "pushed/three" },
      "v1",
      manifest,
      "application/vnd.oci.image.manifest.v1+json",
    );
    assert.equal(put.ok, false);
  });

  it("refuses an invalid reference without sending anything", async () => {
    const { client, server } = fixture();
    const put = await client.putManifest({ domain: server.host, path: "pushed/x" }, "bad tag!", Buffer.from("{}"), "x");
    assert.equal(put.ok, false);
  });
});
