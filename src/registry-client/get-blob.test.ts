/**
 * @module
 * getBlob against a real Distribution registry: the stream carries the
 * bytes and ends only when they match; a mismatch — a wrong expected digest
 * on a genuine response, or a registry serving corrupted storage — errors
 * at the end of the stream.
 */
import assert from "node:assert/strict";
import type { Readable } from "node:stream";
import { describe, it } from "node:test";
import { parseDigest } from "../digest/digest.ts";
import { allowLoopback } from "../net/testing/allow-loopback.ts";
import { BlobStreamError } from "./digest-verifying-stream.ts";
import { downloadBlob } from "./get-blob.ts";
import { resolveOptions } from "./registry-client-options.ts";
import { createRegistryTransport } from "./registry-transport.ts";
import { corruptStoredBlob } from "./testing/distribution-server.ts";
import { skipReason, useRegistryFixture } from "./testing/registry-fixture.ts";
import { pushBlob } from "./testing/test-image.ts";

const fixture = useRegistryFixture();

async function drain(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function streamError(stream: Readable): Promise<BlobStreamError> {
  const error = await drain(stream).then(
    () => assert.fail("the stream should have errored"),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof BlobStreamError, String(error));
  return error;
}

describe("getBlob", { skip: skipReason }, () => {
  it("streams a blob with its size and ends when the digest matches", async () => {
    const { client, server, image } = fixture();
    const result = await client.getBlob({ domain: server.host, path: "team/app" }, image.layer.digest);
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.value.size, image.layer.bytes.length);
    assert.deepEqual(new Uint8Array(await drain(result.value.stream)), image.layer.bytes);
  });

  it("errors at the end when the bytes do not have the expected digest", async () => {
    const { server, image } = fixture();
    const transport = createRegistryTransport(resolveOptions({ outbound: allowLoopback, insecure: true }));
    const repo = { domain: server.host, path: "team/app" };
    const wrong = parseDigest(image.amd64.digest);
    const result = await downloadBlob(transport, repo, parseDigest(image.layer.digest), wrong);
    assert.ok(result.ok);
    const error = await streamError(result.value.stream);
    assert.equal(error.failure.kind, "protocol");
    assert.match(error.message, new RegExp(`digest is ${image.layer.digest}, expected ${wrong.value}`));
  });

  it("detects a registry serving corrupted storage", async () => {
    const { client, server } = fixture();
    const blob = await pushBlob({ host: server.host }, "team/app", Buffer.from("pristine content"));
    await corruptStoredBlob(server, blob.digest, () => Buffer.from("tampered content"));
    const result = await client.getBlob({ domain: server.host, path: "team/app" }, blob.digest);
    assert.ok(result.ok);
    const error = await streamError(result.value.stream);
    assert.equal(error.failure.kind, "protocol");
  });

  it("reports unknown blobs as not-found and bad digests as protocol", async () => {
    const { client, server } = fixture();
    const repo = { domain: server.host, path: "team/app" };
    const unknown = await client.getBlob(repo, `sha256:${"1".repeat(64)}`);
    assert.equal(unknown.ok ? "ok" : unknown.failure.kind, "not-found");
    const invalid = await client.getBlob(repo, "sha256:xyz");
    assert.equal(invalid.ok ? "ok" : invalid.failure.kind, "protocol");
  });

  it("lets the consumer stop early", async () => {
    const { client, server, image } = fixture();
    const result = await client.getBlob({ domain: server.host, path: "team/app" }, image.layer.digest);
    assert.ok(result.ok);
    result.value.stream.destroy();
    await new Promise((resolve) => result.value.stream.once("close", resolve));
  });
});
