/**
 * @module
 * headBlob against a real Distribution registry.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { skipReason, useRegistryFixture } from "./testing/registry-fixture.ts";

const fixture = useRegistryFixture();

describe("headBlob", { skip: skipReason }, () => {
  it("tells the size of a blob the repository has", async () => {
    const { client, server, image } = fixture();
    const result = await client.headBlob({ domain: server.host, path: "team/app" }, image.layer.digest);
    assert.deepEqual(result, {
      ok: true,
      value: { digest: image.layer.digest, size: image.layer.bytes.length },
    });
  });

  it("reports a blob it does not have as not-found", async () => {
    const { client, server, image } = fixture();
    const missing = await client.headBlob({ domain: server.host, path: "team/app" }, `sha256:${"2".repeat(64)}`);
    assert.equal(missing.ok ? "ok" : missing.failure.kind, "not-found");
    const elsewhere = await client.headBlob({ domain: server.host, path: "other/repo" }, image.layer.digest);
    assert.equal(elsewhere.ok ? "ok" : elsewhere.failure.kind, "not-found");
  });
});
