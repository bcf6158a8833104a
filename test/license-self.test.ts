/**
 * @module
 * The license holder's own API (`GET /api/v1/license/self`) on the real
 * server: with the license id as Basic credentials (the id or the
 * customer's e-mail as username) it answers the entitled repositories
 * (an image and a Helm chart, not the repository it is not entitled to),
 * the proxied paths, its channel's releases with bundle links that work
 * for it, the pull Secret (a dockerconfigjson for this host holding the id)
 * and the kubectl/helm lines. Users, anonymous callers and bad namespaces
 * are refused. Every other `/api/v1` route of the OpenAPI document refuses
 * the license (only its channel's release reads answer it). A portal
 * session opened with the license reads the same view, is refused elsewhere
 * even with its CSRF token, and ends with the license: after a revocation
 * both Basic and session requests are refused, the session saying why.
 * An expired license (the server's test clock moved on) is refused too.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { parseAllDocuments } from "yaml";
import { buildChart } from "./support/helm-chart.ts";
import { type Credentials, createManagementClient } from "./support/management-client.ts";
import { basicAuth, pushBlobAs, pushImageAs } from "./support/registry-auth.ts";
import { adminPassword, useWharf } from "./support/start-wharf.ts";

const admin: Credentials = ["admin", adminPassword];
const email = "ops@globex.example";

describe("license self API", () => {
  const wharf = useWharf({ auth: true, clock: true });
  let api: ReturnType<typeof createManagementClient>;
  let licenseId: string;
  let handle: string;
  let asLicense: Credentials;

  before(async () => {
    api = createManagementClient(wharf.url);
    await api.expect(201, "POST", "/orgs", { as: admin, body: { name: "acme" } });
    await api.expect(201, "POST", "/orgs/acme/apps", { as: admin, body: { slug: "shop" } });
    const auth = basicAuth(...admin);
    await pushImageAs(wharf.url, auth, "shop/app", "1.0");
    await pushImageAs(wharf.url, auth, "shop/private", "1.0");
    const chart = buildChart({ name: "web", version: "1.2.0", values: "replicas: 1\n" });
    for (const blob of [chart.config, ...chart.layers]) await pushBlobAs(wharf.url, auth, "shop/web", blob.bytes);
    const put = await fetch(`${wharf.url}/v2/shop/web/manifests/1.2.0`, {
      method: "PUT",
      headers: { authorization: auth, "content-type": chart.descriptor.mediaType },
      body: chart.manifest.bytes,
    });
    assert.equal(put.status, 201, await put.text());
    await api.expect(201, "POST", "/apps/shop/releases", {
      as: admin,
      body: { version: "1.0.0", channels: ["stable"], images: [{ source: "shop", name: "app", tag: "1.0" }] },
    });
    await api.expect(201, "POST", "/apps/shop/releases", {
      as: admin,
      body: { version: "2.0.0-beta", channels: ["beta"], images: [{ source: "shop", name: "app", tag: "1.0" }] },
    });
    await api.expect(201, "POST", "/apps/shop/customers", { as: admin, body: { name: "globex", email } });
    const made = await api.expect(201, "POST", "/apps/shop/licenses", {
      as: admin,
      body: { customer: "globex", channel: "stable", entitlements: ["shop/app", "shop/web", "quay/acme/*"] },
    });
    licenseId = made.body.licenseId;
    handle = made.body.id;
    assert.match(licenseId, /^wharf_lic_/);
    asLicense = [licenseId, licenseId];
  });

  test("answers what the license may pull, its releases, the pull Secret and the commands", async () => {
    const { body } = await api.expect(200, "GET", "/license/self", { as: asLicense });
    assert.equal(body.customer, "globex");
    assert.equal(body.app, "shop");
    assert.equal(body.channel, "stable");
    assert.equal(body.email, email);
    assert.equal(body.expiresAt, null);
    assert.equal(body.registry, wharf.host);
    assert.deepEqual(
      body.repositories.map((r: { name: string; kind: string; tags: string[] }) => [r.name, r.kind, r.tags]),
      [
        ["shop/app", "image", ["1.0"]],
        ["shop/web", "chart", ["1.2.0"]],
      ],
    );
    assert.deepEqual(body.proxied, [{ pattern: "quay/acme/*", pull: `${wharf.host}/proxy/shop/quay/acme/*` }]);
    assert.deepEqual(
      body.releases.map((r: { version: string; bundle: string }) => [r.version, r.bundle]),
      [["1.0.0", "/api/v1/apps/shop/releases/1.0.0/bundle"]],
      "only the license's channel",
    );
    const [secret] = parseAllDocuments(body.pullSecret.yaml).map((d) => d.toJS());
    assert.equal(secret.kind, "Secret");
    assert.equal(secret.metadata.name, "shop-registry");
    assert.equal(secret.metadata.namespace, "default");
    const config = JSON.parse(Buffer.from(secret.data[".dockerconfigjson"], "base64").toString("utf8"));
    const entry = config.auths[wharf.host];
    assert.equal(Buffer.from(entry.auth, "base64").toString("utf8"), `${licenseId}:${licenseId}`);
    const c = body.commands;
    assert.equal(c.kubectlApply, "kubectl apply -n default -f shop-registry.yaml");
    assert.match(c.kubectlCreateSecret, /^kubectl create secret docker-registry shop-registry -n default/);
    assert.ok(c.kubectlCreateSecret.includes(`--docker-server=${wharf.host} --docker-username=${licenseId}`));
    assert.equal(c.helmRegistryLogin, `helm registry login ${wharf.host} --username ${email} --password ${licenseId}`);
    assert.equal(c.helmInstall, `helm install web oci://${wharf.host}/shop/web --version 1.2.0 -n default`);
    const bundle = await fetch(`${wharf.url}${body.releases[0].bundle}`, {
      method: "HEAD",
      headers: { authorization: basicAuth(...asLicense) },
    });
    assert.equal(bundle.status, 200, "the bundle link works for the license");
  });

  test("the customer's e-mail works as username; a namespace picks the Secret's and the commands'", async () => {
    const { body } = await api.expect(200, "GET", "/license/self?namespace=shop-prod", { as: [email, licenseId] });
    assert.match(body.pullSecret.yaml, /namespace: shop-prod/);
    assert.match(body.commands.kubectlApply, /-n shop-prod/);
    const message = await api.refuse(400, "INVALID_REQUEST", "GET", "/license/self?namespace=Bad_NS", {
      as: asLicense,
    });
    assert.match(message, /namespace/);
  });

  test("users and anonymous callers are refused; only GET", async () => {
    const denied = await api.refuse(403, "DENIED", "GET", "/license/self", { as: admin });
    assert.match(denied, /license holder/);
    await api.refuse(401, "UNAUTHORIZED", "GET", "/license/self");
    await api.refuse(401, "UNAUTHORIZED", "GET", "/license/self", { as: ["globex", "wharf_lic_wrong"] });
    await api.refuse(405, "UNSUPPORTED", "POST", "/license/self", { as: asLicense });
    await api.refuse(404, "NOT_FOUND", "GET", "/license/other", { as: asLicense });
  });

  test("every other /api/v1 route refuses the license", async () => {
    const openapi = await api.expect(200, "GET", "/openapi.json");
    const values: Record<string, string> = {
      app: "shop",
      org: "acme",
      version: "1.0.0",
      license: handle,
      customer: "globex",
      name: "shop/app",
    };
    // Its channel's release reads are the license's too (the releases service decides), and public routes are public.
    const allowed = new Set([
      "GET /license/self",
      "GET /apps/{app}/releases",
      "GET /apps/{app}/releases/{version}",
      "GET /apps/{app}/releases/{version}/bundle",
      "GET /openapi.json",
      "GET /license-signing-key",
      "GET /license-signing-keys",
    ]);
    let checked = 0;
    const statuses = new Map<number, string[]>();
    for (const [documented, methods] of Object.entries(openapi.body.paths as Record<string, object>)) {
      const template = documented.replace(/^\/api\/v1/, "");
      for (const method of Object.keys(methods)) {
        const key = `${method.toUpperCase()} ${template}`;
        if (allowed.has(key)) continue;
        const path = template.replace(/\{(\w+)\+?\}/g, (_m, p: string) => values[p] ?? "x");
        const answer = await api.call(method.toUpperCase(), path, {
          as: asLicense,
          ...(method === "get" ? {} : { body: {} }),
        });
        assert.notEqual(answer.body?.errors?.[0]?.code, undefined, `${key} answered a license: ${answer.text}`);
        assert.ok(answer.status >= 400 && answer.status < 500, `${key}: ${answer.status} ${answer.text}`);
        statuses.set(answer.status, [...(statuses.get(answer.status) ?? []), key]);
        checked++;
      }
    }
    // Every refusal is the license being refused, not a path the test got wrong.
    assert.deepEqual([...statuses.keys()], [403], JSON.stringify(Object.fromEntries(statuses), null, 1));
    assert.ok(checked > 50, `checked ${checked} routes`);
  });

  test("a portal session opened with the license reads its view and nothing else; revoking ends it", async () => {
    const signIn = await fetch(`${wharf.url}/api/v1/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: email, password: licenseId }),
    });
    assert.equal(signIn.status, 201, await signIn.clone().text());
    const signedIn = (await signIn.json()) as { user: string; license: { id: string; app: string }; csrfToken: string };
    assert.equal(signedIn.user, "globex");
    assert.deepEqual(signedIn.license, { id: handle, app: "shop", customer: "globex" });
    assert.ok(!JSON.stringify(signedIn).includes(licenseId), "the answer never repeats the id");
    const cookie = signIn.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const withCookie = (method: string, path: string) =>
      fetch(`${wharf.url}/api/v1${path}`, {
        method,
        headers: { cookie, "x-csrf-token": signedIn.csrfToken, "content-type": "application/json" },
        body: method === "GET" ? undefined : JSON.stringify({ name: "forged" }),
      });
    const audit = await api.expect(200, "GET", "/audit?actor=license:globex", { as: admin });
    assert.ok(!audit.text.includes(licenseId));
    assert.deepEqual(
      audit.body.events.map((e: { action: string; target: string }) => `${e.action} ${e.target}`),
      ["login portal", "release.bundle release:shop/1.0.0"],
      "the sign-in is audited (after the bundle download of the first test), without the id",
    );
    const self = await withCookie("GET", "/license/self");
    assert.equal(self.status, 200);
    assert.equal(((await self.json()) as { customer: string }).customer, "globex");
    const session = await withCookie("GET", "/session");
    assert.equal(((await session.json()) as { user: string }).user, "globex");
    for (const [method, path] of [
      ["GET", "/orgs"],
      ["POST", "/orgs"],
      ["GET", "/apps/shop/licenses"],
    ] as const) {
      const refused = await withCookie(method, path);
      assert.equal(refused.status, 403, `${method} ${path}`);
      await refused.arrayBuffer();
    }
    const signOut = await withCookie("DELETE", "/session");
    assert.equal(signOut.status, 204);
    assert.match(signOut.headers.getSetCookie().join("\n"), /wharf_session=;.*Max-Age=0/);
    await api.expect(200, "POST", `/apps/shop/licenses/${handle}/revoke`, { as: admin });
    const afterRevoke = await withCookie("GET", "/session");
    assert.equal(afterRevoke.status, 401);
    const message = ((await afterRevoke.json()) as { errors: { message: string }[] }).errors[0]!.message;
    assert.match(message, /revoked or expired: ask your vendor for a new license/);
    const selfAfter = await withCookie("GET", "/license/self");
    assert.equal(selfAfter.status, 401);
    await selfAfter.arrayBuffer();
    await api.refuse(401, "UNAUTHORIZED", "GET", "/license/self", { as: asLicense });
    assert.ok(!wharf.output().includes(licenseId), "the id never reaches the server's log");
  });

  test("an expired license is refused on its next request, saying what to do", async () => {
    const made = await api.expect(201, "POST", "/apps/shop/licenses", {
      as: admin,
      body: { customer: "globex", expires: "1d" },
    });
    const shortLived: Credentials = [made.body.licenseId, made.body.licenseId];
    const before = await api.expect(200, "GET", "/license/self", { as: shortLived });
    assert.ok(before.body.expiresAt, "the view shows when it expires");
    await wharf.advanceClock(2 * 86_400_000);
    await api.refuse(401, "UNAUTHORIZED", "GET", "/license/self", { as: shortLived });
  });
});
