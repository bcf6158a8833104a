/**
 * @module
 * License expiry on a real server over HTTP, started in this process so
 * the test owns the clock licenses expire by (no waiting): a license works
 * until its expiry; a moment after it, Basic, a Bearer token obtained
 * before and the token endpoint are all refused and the API shows it
 * expired; `extend` brings it back. Also checks that the OpenAPI document
 * lists the licensing routes.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { configSchema } from "../src/config/config-schema.ts";
import { createLogger } from "../src/log/create-logger.ts";
import { type RunningServer, startServer } from "../src/server.ts";
import { type Credentials, createManagementClient } from "./support/management-client.ts";
import { basicAuth, bearerAuth, pushImageAs, requestToken, tokenBody } from "./support/registry-auth.ts";

const adminPassword = "admin-password-for-expiry";
const admin: Credentials = ["admin", adminPassword];
const day = 86_400_000;
let now = Date.parse("2030-01-01T00:00:00Z");
let dir: string;
let server: RunningServer;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "wharf-license-expiry-"));
  process.env.WHARF_ADMIN_PASSWORD = adminPassword;
  const config = configSchema.parse({ dataDir: dir, listen: "127.0.0.1:0" });
  server = await startServer(config, createLogger("silent"), { now: () => now });
});

after(async () => {
  await server?.close(1000);
  await rm(dir, { recursive: true, force: true });
});

test("an expired license is refused on its next request, tokens included, until extended", async () => {
  const api = createManagementClient(server.url);
  await api.expect(201, "POST", "/orgs", { as: admin, body: { name: "acme" } });
  await api.expect(201, "POST", "/orgs/acme/apps", { as: admin, body: { slug: "myapp" } });
  await pushImageAs(server.url, basicAuth(...admin), "myapp/img", "1.0");
  await api.expect(201, "POST", "/apps/myapp/customers", { as: admin, body: { name: "globex" } });
  const created = await api.expect(201, "POST", "/apps/myapp/licenses", {
    as: admin,
    body: { customer: "globex", expires: "1d" },
  });
  const { licenseId, id } = created.body as { licenseId: string; id: string };
  const basic = basicAuth(licenseId, licenseId);
  const scope: [string, string][] = [["scope", "repository:myapp/img:pull"]];
  const manifest = (authorization: string) =>
    fetch(`${server.url}/v2/myapp/img/manifests/1.0`, {
      headers: { authorization, accept: "application/vnd.oci.image.manifest.v1+json" },
    });

  assert.equal((await manifest(basic)).status, 200);
  // The server's clock moves registry tokens too: take the token a second
  // before the license expires, so it is still a fresh token when the license ends.
  now += day - 1000;
  const token = (await tokenBody(await requestToken(server.url, scope, basic))).token;
  assert.equal((await manifest(bearerAuth(token))).status, 200, "still valid a second before its expiry");
  now += 2000;
  assert.equal((await manifest(basic)).status, 401);
  assert.equal((await manifest(bearerAuth(token))).status, 401);
  assert.equal((await requestToken(server.url, scope, basic)).status, 401);
  const shown = await api.expect(200, "GET", `/apps/myapp/licenses/${id}`, { as: admin });
  assert.equal(shown.body.state, "expired");

  await api.expect(200, "POST", `/apps/myapp/licenses/${id}/extend`, { as: admin, body: { expires: "30d" } });
  assert.equal((await manifest(basic)).status, 200);
  assert.equal((await manifest(bearerAuth(token))).status, 200);
});

test("the OpenAPI document lists the customer and license routes", async () => {
  const res = await fetch(`${server.url}/api/v1/openapi.json`);
  assert.equal(res.status, 200);
  const paths = Object.keys(((await res.json()) as { paths: Record<string, unknown> }).paths);
  for (const path of [
    "/apps/{app}/customers",
    "/apps/{app}/licenses",
    "/apps/{app}/licenses/{license}/pulls",
    "/apps/{app}/licenses/{license}/pull-secret",
  ]) {
    assert.ok(
      paths.some((p) => p.endsWith(path)),
      `${path} in ${paths.join(" ")}`,
    );
  }
});
