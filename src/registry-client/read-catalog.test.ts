/**
 * @module
 * readCatalog against a real Distribution registry behind htpasswd: the
 * first page with the right credentials (Distribution 2.8 honours `n` on
 * the catalog and links the next page), `unauthorized` with wrong ones, and
 * a refused page size.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { skipReason, testUser, useRegistryFixture } from "./testing/registry-fixture.ts";
import { pushTestImage } from "./testing/test-image.ts";

const fixture = useRegistryFixture({ basicAuth: true });

describe("readCatalog on Distribution", { skip: skipReason }, () => {
  it("reads the first page, and says when there is more", async () => {
    const { client, server } = fixture();
    const all = await client.readCatalog(server.host);
    assert.ok(all.ok, JSON.stringify(all));
    assert.deepEqual(all.value, { repositories: ["team/app"], more: false });
    const authorization = `Basic ${Buffer.from(`${testUser.username}:${testUser.password}`).toString("base64")}`;
    await pushTestImage({ host: server.host, authorization }, "team/other");
    const page = await client.readCatalog(server.host, 1);
    assert.ok(page.ok, JSON.stringify(page));
    assert.deepEqual(page.value, { repositories: ["team/app"], more: true });
  });

  it("fails as unauthorized with a wrong password, and refuses a bad page size", async () => {
    const { clientWith, server } = fixture();
    const wrong = clientWith({ credentials: { [server.host]: { username: testUser.username, password: "wrong" } } });
    const refused = await wrong.readCatalog(server.host);
    assert.equal(refused.ok ? "ok" : refused.failure.kind, "unauthorized");
    const bad = await fixture().client.readCatalog(server.host, 0);
    assert.equal(bad.ok ? "ok" : bad.failure.kind, "protocol");
  });
});
