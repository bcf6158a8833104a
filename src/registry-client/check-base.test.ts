/**
 * @module
 * checkBase against real Distribution registries: open, and behind
 * htpasswd Basic auth (right, wrong and missing credentials), plus a closed
 * port and a TLS handshake with a plain-HTTP registry.
 */
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { describe, it } from "node:test";
import { allowLoopback } from "../net/testing/allow-loopback.ts";
import { createRegistryClient } from "./create-registry-client.ts";
import { dockerHubCredentialKey } from "./credential-key-for-host.ts";
import { skipReason, testUser, useRegistryFixture } from "./testing/registry-fixture.ts";

const open = useRegistryFixture();
const guarded = useRegistryFixture({ basicAuth: true });

function kind(result: { ok: boolean; failure?: { kind: string } }): string {
  return result.ok ? "ok" : (result.failure?.kind ?? "?");
}

describe("checkBase", { skip: skipReason }, () => {
  it("accepts an open registry and reports its API version", async () => {
    const { client, server } = open();
    const result = await client.checkBase(server.host);
    assert.deepEqual(result, { ok: true, value: { host: server.host, apiVersion: "registry/2.0" } });
  });

  it("answers a Basic challenge with the right password", async () => {
    const { client, server } = guarded();
    assert.equal(kind(await client.checkBase(server.host)), "ok");
  });

  it("finds credentials through a callback", async () => {
    const { clientWith, server } = guarded();
    const hosts: string[] = [];
    const credentials = (host: string) => {
      hosts.push(host);
      return testUser;
    };
    assert.equal(kind(await clientWith({ credentials }).checkBase(server.host)), "ok");
    assert.deepEqual([...new Set(hosts)], [server.host]);
  });

  it("reports a wrong password as unauthorized, without the password", async () => {
    const { clientWith, server } = guarded();
    const password = "wrong-Pa55word";
    const credentials = { [server.host]: { username: testUser.username, password } };
    const result = await clientWith({ credentials }).checkBase(server.host);
    assert.ok(!result.ok);
    assert.equal(result.failure.kind, "unauthorized");
    assert.equal(result.failure.status, 401);
    assert.match(result.failure.message, /credentials configured for .* were refused/);
    assert.ok(!result.failure.message.includes(password));
    assert.ok(!result.failure.message.includes(Buffer.from(password).toString("base64")));
  });

  it("reports missing credentials as unauthorized", async () => {
    const { server } = guarded();
    const other = { [dockerHubCredentialKey]: testUser }; // Docker Hub's, not this host's
    const client = createRegistryClient({ outbound: allowLoopback, insecure: true, credentials: other });
    const result = await client.checkBase(server.host);
    assert.equal(kind(result), "unauthorized");
    assert.ok(!result.ok && /no username and password are configured/.test(result.failure.message));
  });

  it("reports a closed port as unreachable", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as { port: number };
    await new Promise((resolve) => probe.close(resolve));
    const client = createRegistryClient({ outbound: allowLoopback, insecure: true, retries: 0 });
    const result = await client.checkBase(`127.0.0.1:${port}`);
    assert.equal(kind(result), "unreachable");
    assert.ok(!result.ok && result.failure.message.includes("ECONNREFUSED"));
  });

  it("reports TLS to a plain-HTTP registry as tls", async () => {
    const { server } = open();
    const result = await createRegistryClient({ outbound: allowLoopback, retries: 2 }).checkBase(server.host);
    assert.equal(kind(result), "tls");
  });

  it("reports a host that is not a host as protocol, without throwing", async () => {
    const result = await createRegistryClient().checkBase("bad host/");
    assert.equal(kind(result), "protocol");
  });
});
