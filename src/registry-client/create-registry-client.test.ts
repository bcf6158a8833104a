/**
 * @module
 * The public client end to end against a real Distribution registry behind
 * htpasswd Basic authentication: every operation with the right
 * credentials, and the failures users meet without them.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { allowLoopback } from "../net/testing/allow-loopback.ts";
import { parseReference } from "../reference/parse-reference.ts";
import { createRegistryClient } from "./create-registry-client.ts";
import { skipReason, testUser, useRegistryFixture } from "./testing/registry-fixture.ts";

const fixture = useRegistryFixture({ basicAuth: true, extraTags: ["1.0"] });

function reference(text: string) {
  const parsed = parseReference(text);
  assert.ok(parsed.ok, parsed.ok ? "" : parsed.error);
  return parsed.reference;
}

describe("createRegistryClient against an authenticated registry", { skip: skipReason }, () => {
  it("runs every operation with the configured credentials", async () => {
    const { client, server, image } = fixture();
    const ref = reference(`${server.host}/team/app:multi`);
    assert.ok((await client.checkBase(server.host)).ok);
    const head = await client.headManifest(ref);
    assert.ok(head.ok && head.value.digest === image.index.digest);
    const manifest = await client.getManifest(reference(`${server.host}/team/app:1.0`));
    assert.ok(manifest.ok && manifest.value.digest === image.amd64.digest);
    const platforms = await client.resolvePlatforms(ref);
    assert.ok(platforms.ok && platforms.value.manifests.length === 2);
    const blob = await client.headBlob(ref, image.layer.digest);
    assert.ok(blob.ok && blob.value.size === image.layer.bytes.length);
    const download = await client.getBlob(ref, image.layer.digest);
    assert.ok(download.ok);
    let length = 0;
    for await (const chunk of download.value.stream) length += (chunk as Buffer).length;
    assert.equal(length, image.layer.bytes.length);
    const tags = await client.listTags(ref, { n: 2 });
    assert.deepEqual(tags.ok && [...tags.value].sort(), ["1.0", "amd64", "arm64", "multi"]);
  });

  it("serves many concurrent requests from one client", async () => {
    const { clientWith, server, image } = fixture();
    const client = clientWith({});
    const ref = reference(`${server.host}/team/app@${image.arm64.digest}`);
    const results = await Promise.all(Array.from({ length: 20 }, () => client.headManifest(ref)));
    assert.ok(results.every((result) => result.ok));
  });

  it("fails every operation as unauthorized without credentials", async () => {
    const { server, image } = fixture();
    const anonymous = createRegistryClient({ outbound: allowLoopback, insecure: true, retries: 0 });
    const ref = reference(`${server.host}/team/app:multi`);
    const results = [
      await anonymous.headManifest(ref),
      await anonymous.getManifest(ref),
      await anonymous.getBlob(ref, image.layer.digest),
      await anonymous.listTags(ref),
    ];
    for (const result of results) assert.equal(result.ok ? "ok" : result.failure.kind, "unauthorized");
  });

  it("never puts the password in a failure message", async () => {
    const { server } = fixture();
    const password = `${testUser.password}-but-wrong`;
    const credentials = () => ({ username: testUser.username, password });
    const client = createRegistryClient({ outbound: allowLoopback, insecure: true, credentials, retries: 0 });
    const result = await client.getManifest(reference(`${server.host}/team/app:multi`));
    assert.ok(!result.ok);
    assert.equal(result.failure.kind, "unauthorized");
    assert.ok(!JSON.stringify(result).includes(password));
  });
});
