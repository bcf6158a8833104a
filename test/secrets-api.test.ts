/**
 * @module
 * The pull-secret and service routes of the management API end to end
 * against the real server with accounts on: who may do what (organization
 * owner, admin-team member, plain member, outsider, robot, anonymous,
 * server administrator) — members list but never render or check; request
 * validation; `check` answering HTTP 200 whatever its code; the OpenAPI
 * document listing every new route with its schemas; no answer ever holding
 * a password except a render's text (by design, owners and admins only);
 * the server's log holding none. Master-key trouble is covered in
 * `secrets-master-key.test.ts`.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Credentials, createManagementClient } from "./support/management-client.ts";
import { adminPassword, removeDataDir, startWharf, type WharfProcess } from "./support/start-wharf.ts";

let wharf: WharfProcess;
let api: ReturnType<typeof createManagementClient>;
let robot: Credentials;

const admin: Credentials = ["admin", adminPassword];
const alice: Credentials = ["alice", "alice-password-1"];
const dave: Credentials = ["dave", "dave-password-1"];
const bob: Credentials = ["bob", "bob-password-1"];
const carol: Credentials = ["carol", "carol-password-1"];
const registryPassword = "registry-password-Zq81";
const changedPassword = "changed-password-Kx42";

const secrets = "/orgs/acme/secrets";
const services = "/orgs/acme/services";
const newSecret = (name: string) => ({
  name,
  kind: "private-registry",
  registry: "registry.acme.io",
  username: "ci",
  password: registryPassword,
});

before(async () => {
  wharf = await startWharf({ auth: true, env: { WHARF_ACCOUNTS__ORGANIZATION_CREATION: "everyone" } });
  api = createManagementClient(wharf.url);
  for (const [name, password] of [alice, dave, bob, carol]) {
    await api.expect(201, "POST", "/users", { as: admin, body: { name, password } });
  }
  await api.expect(201, "POST", "/orgs", { as: alice, body: { name: "acme" } });
  await api.expect(200, "PUT", "/orgs/acme/members/bob", { as: alice, body: {} });
  await api.expect(201, "POST", "/orgs/acme/teams", { as: alice, body: { name: "admins", role: "admin" } });
  await api.expect(204, "PUT", "/orgs/acme/teams/admins/members/dave", { as: alice });
  await api.expect(201, "POST", "/orgs", { as: carol, body: { name: "other" } });
  const created = await api.expect(201, "POST", "/orgs/acme/robots", {
    as: alice,
    body: { name: "ci", scopes: ["acme/*:pull"] },
  });
  robot = [created.body.username, created.body.secret];
  for (const [, password] of [admin, alice, dave, bob, carol, robot]) api.secret(password, undefined);
  api.secret(registryPassword, undefined);
  api.secret(changedPassword, undefined);
});
after(async () => {
  await wharf.stop();
  await removeDataDir(wharf.dataDir);
});

describe("pull secret routes", () => {
  test("an owner creates a secret: 201 with its view, which has no password", async () => {
    const created = await api.expect(201, "POST", secrets, {
      as: alice,
      body: { ...newSecret("quay"), email: "ci@acme.io" },
    });
    assert.deepEqual(Object.keys(created.body).sort(), [
      "createdAt",
      "credential",
      "email",
      "insecure",
      "keyVersion",
      "kind",
      "name",
      "registry",
      "registryKey",
      "updatedAt",
      "username",
    ]);
    assert.equal(created.body.registry, "https://registry.acme.io");
    assert.equal(created.headers.get("cache-control"), "no-store");
    await api.expect(201, "POST", secrets, {
      as: dave,
      body: { name: "hub", kind: "docker-hub", username: "jane", password: registryPassword },
    });
    await api.refuse(409, "CONFLICT", "POST", secrets, { as: alice, body: newSecret("quay") });
  });

  test("members list and read secrets; only owners and admins change, render or check them", async () => {
    for (const who of [alice, dave, bob, admin]) {
      const list = await api.expect(200, "GET", secrets, { as: who });
      assert.deepEqual(
        list.body.secrets.map((s: { name: string }) => s.name),
        ["hub", "quay"],
      );
      await api.expect(200, "GET", `${secrets}/quay`, { as: who });
    }
    const render = { names: ["quay"], format: "dockerconfigjson" };
    const memberMessage = await api.refuse(403, "DENIED", "POST", `${secrets}/render`, { as: bob, body: render });
    assert.match(
      memberMessage,
      /only an owner or admin of organization "acme" may render its pull secrets; you are a member/,
    );
    await api.refuse(403, "DENIED", "POST", `${secrets}/quay/check`, {
      as: bob,
      body: { image: "registry.acme.io/a:1" },
    });
    await api.refuse(403, "DENIED", "POST", secrets, { as: bob, body: newSecret("bobs") });
    await api.refuse(403, "DENIED", "PATCH", `${secrets}/quay`, { as: bob, body: { username: "x" } });
    await api.refuse(403, "DENIED", "POST", `${secrets}/quay/rename`, { as: bob, body: { name: "q" } });
    await api.refuse(403, "DENIED", "DELETE", `${secrets}/quay`, { as: bob });
    await api.refuse(403, "DENIED", "POST", `${secrets}/import`, { as: bob, body: { config: '{"auths":{}}' } });
    for (const who of [alice, dave, admin])
      await api.expect(200, "POST", `${secrets}/render`, { as: who, body: render });
  });

  test("outsiders, robots and anonymous callers are refused", async () => {
    const outsider = await api.refuse(403, "DENIED", "GET", secrets, { as: carol });
    assert.match(outsider, /not a member of organization "acme"/);
    await api.refuse(403, "DENIED", "POST", `${secrets}/render`, {
      as: carol,
      body: { names: ["quay"], format: "kubernetes" },
    });
    await api.refuse(403, "DENIED", "GET", services, { as: carol });
    assert.match(
      await api.refuse(403, "DENIED", "GET", secrets, { as: robot }),
      /robot accounts may not use the management API/,
    );
    await api.refuse(401, "UNAUTHORIZED", "GET", secrets);
    await api.refuse(401, "UNAUTHORIZED", "POST", `${secrets}/render`, {
      body: { names: ["quay"], format: "kubernetes" },
    });
    await api.refuse(404, "NOT_FOUND", "GET", "/orgs/nope/secrets", { as: alice });
    await api.refuse(404, "NOT_FOUND", "GET", `${secrets}/nope`, { as: alice });
  });

  test("update, rename, import and delete", async () => {
    const changed = await api.expect(200, "PATCH", `${secrets}/quay`, {
      as: alice,
      body: { password: changedPassword, email: null },
    });
    assert.equal(changed.body.email, null);
    const renamed = await api.expect(200, "POST", `${secrets}/quay/rename`, { as: alice, body: { name: "quay-io" } });
    assert.equal(renamed.body.name, "quay-io");
    const config = JSON.stringify({ auths: { "ghcr.io": {} }, credsStore: "pass" });
    const imported = await api.expect(200, "POST", `${secrets}/import`, { as: alice, body: { config } });
    assert.deepEqual(imported.body.created, []);
    assert.match(imported.body.notes[0], /docker-credential-pass/);
    await api.expect(201, "POST", secrets, { as: alice, body: newSecret("doomed") });
    await api.expect(204, "DELETE", `${secrets}/doomed`, { as: alice });
    await api.refuse(404, "NOT_FOUND", "DELETE", `${secrets}/doomed`, { as: alice });
  });

  test("render: the text holds the password by design; check: HTTP 200 whatever the code", async () => {
    const rendered = await api.expect(200, "POST", `${secrets}/render`, {
      as: alice,
      body: { names: ["quay-io"], format: "kubernetes", namespaces: ["a", "b"] },
    });
    assert.equal(rendered.body.format, "kubernetes");
    assert.match(rendered.body.text, /namespace: a\n[\s\S]*namespace: b\n/);
    const json = await api.expect(200, "POST", `${secrets}/render`, {
      as: alice,
      body: { names: ["quay-io"], format: "dockerconfigjson" },
    });
    assert.equal(JSON.parse(json.body.text).auths["registry.acme.io"].password, changedPassword);
    assert.equal(json.headers.get("cache-control"), "no-store");
    const mismatch = await api.expect(200, "POST", `${secrets}/quay-io/check`, {
      as: alice,
      body: { image: "alpine" },
    });
    assert.equal(mismatch.body.code, "E_REGISTRY_MISMATCH");
    const invalid = await api.expect(200, "POST", `${secrets}/quay-io/check`, {
      as: dave,
      body: { image: "UPPER/Case", allPlatforms: true },
    });
    assert.equal(invalid.body.code, "E_INVALID_REFERENCE");
  });

  test("request validation: 400 INVALID_REQUEST naming the field", async () => {
    const refuse = async (method: string, path: string, body: unknown, pattern: RegExp) =>
      assert.match(await api.refuse(400, "INVALID_REQUEST", method, path, { as: alice, body }), pattern);
    await refuse("POST", secrets, { ...newSecret("x"), extra: 1 }, /extra/);
    await refuse("POST", secrets, { ...newSecret("x"), password: 12345 }, /password/);
    await refuse("POST", secrets, { ...newSecret("x"), password: "p".repeat(20_000) }, /password/);
    await refuse("POST", secrets, { ...newSecret("x"), kind: "quay" }, /kind/);
    await refuse("POST", secrets, { ...newSecret("Bad_Name") }, /secret name "Bad_Name" is invalid/);
    await refuse("POST", secrets, { ...newSecret("x"), registry: "http://plain.io" }, /http:\/\/.*insecure/);
    await refuse("POST", `${secrets}/render`, { names: [], format: "kubernetes" }, /names/);
    await refuse("POST", `${secrets}/render`, { names: ["quay-io"], format: "yaml" }, /format/);
    await refuse("POST", `${secrets}/quay-io/check`, {}, /image/);
    await refuse("POST", `${secrets}/import`, { config: "not json" }, /JSON/);
    await refuse("PATCH", `${secrets}/quay-io`, {}, /nothing to change/);
    await refuse("POST", services, { name: "web" }, /image/);
    await refuse("POST", services, { name: "web", image: "nginx", replicas: "2" }, /replicas/);
    const query = await api.refuse(400, "INVALID_REQUEST", "GET", `${services}/x/render?includeSecret=maybe`, {
      as: alice,
    });
    assert.match(query, /includeSecret/);
  });
});

describe("service routes", () => {
  test("owners create services; members list, read and render them without the secret", async () => {
    const body = { name: "web", image: "registry.acme.io/team/web:1.0", secretName: "quay-io", ports: [8080] };
    const created = await api.expect(201, "POST", services, { as: alice, body });
    assert.equal(created.body.image, "registry.acme.io/team/web:1.0");
    await api.refuse(403, "DENIED", "POST", services, { as: bob, body: { ...body, name: "bobs" } });
    const list = await api.expect(200, "GET", services, { as: bob });
    assert.deepEqual(
      list.body.services.map((s: { name: string }) => s.name),
      ["web"],
    );
    await api.expect(200, "GET", `${services}/web`, { as: bob });
    const plain = await api.expect(200, "GET", `${services}/web/render?includeSecret=false&namespace=prod`, {
      as: bob,
    });
    assert.match(plain.body.yaml, /^kind: Deployment$/m);
    assert.doesNotMatch(plain.body.yaml, /kind: Secret/);
    await api.refuse(403, "DENIED", "GET", `${services}/web/render`, { as: bob });
    const full = await api.expect(200, "GET", `${services}/web/render`, { as: dave });
    assert.match(full.body.yaml, /^kind: Secret$/m);
    assert.match(full.body.yaml, /imagePullSecrets:\n\s+- name: quay-io/);
  });

  test("update, delete; a secret in use is not deleted", async () => {
    const updated = await api.expect(200, "PATCH", `${services}/web`, {
      as: dave,
      body: { replicas: 3, env: { A: "b" } },
    });
    assert.deepEqual([updated.body.replicas, updated.body.env], [3, { A: "b" }]);
    await api.refuse(403, "DENIED", "PATCH", `${services}/web`, { as: bob, body: { replicas: 1 } });
    assert.match(
      await api.refuse(409, "CONFLICT", "DELETE", `${secrets}/quay-io`, { as: alice }),
      /used by service web/,
    );
    await api.refuse(403, "DENIED", "DELETE", `${services}/web`, { as: bob });
    await api.expect(204, "DELETE", `${services}/web`, { as: alice });
    await api.refuse(404, "NOT_FOUND", "GET", `${services}/web`, { as: alice });
  });
});

describe("key rotation, OpenAPI, and no leaks", () => {
  test("POST /secrets/rotate-key is for server administrators only", async () => {
    assert.match(await api.refuse(403, "DENIED", "POST", "/secrets/rotate-key", { as: alice }), /server administrator/);
    const report = await api.expect(200, "POST", "/secrets/rotate-key", { as: admin });
    assert.deepEqual([report.body.source, report.body.addedVersion, report.body.keyVersion], ["file", 2, 2]);
    assert.equal(report.body.reencrypted, 2);
    const after = await api.expect(200, "GET", secrets, { as: alice });
    assert.ok(after.body.secrets.every((s: { keyVersion: number }) => s.keyVersion === 2));
    await api.expect(200, "POST", `${secrets}/render`, { as: alice, body: { names: ["hub"], format: "kubernetes" } });
  });

  test("the OpenAPI document lists every new route with its request and answer schemas", async () => {
    const doc = (await api.expect(200, "GET", "/openapi.json")).body;
    const expected: Record<string, string[]> = {
      "/api/v1/orgs/{org}/secrets": ["get", "post"],
      "/api/v1/orgs/{org}/secrets/{secret}": ["get", "patch", "delete"],
      "/api/v1/orgs/{org}/secrets/{secret}/rename": ["post"],
      "/api/v1/orgs/{org}/secrets/{secret}/check": ["post"],
      "/api/v1/orgs/{org}/secrets/import": ["post"],
      "/api/v1/orgs/{org}/secrets/render": ["post"],
      "/api/v1/secrets/rotate-key": ["post"],
      "/api/v1/orgs/{org}/services": ["get", "post"],
      "/api/v1/orgs/{org}/services/{service}": ["get", "patch", "delete"],
      "/api/v1/orgs/{org}/services/{service}/render": ["get"],
    };
    for (const [path, methods] of Object.entries(expected))
      assert.deepEqual(Object.keys(doc.paths[path] ?? {}), methods, path);
    const create = doc.paths["/api/v1/orgs/{org}/secrets"].post;
    assert.deepEqual(create.requestBody.content["application/json"].schema.required.sort(), [
      "kind",
      "name",
      "password",
      "username",
    ]);
    const view = create.responses["201"].content["application/json"].schema;
    assert.ok(view.properties.registryKey && !view.properties.password, JSON.stringify(view));
    const check =
      doc.paths["/api/v1/orgs/{org}/secrets/{secret}/check"].post.responses["200"].content["application/json"];
    assert.ok(check.schema.properties.code.enum.includes("E_AUTH"));
    const render = doc.paths["/api/v1/orgs/{org}/services/{service}/render"].get;
    assert.deepEqual(
      render.parameters.map((p: { name: string }) => p.name),
      ["org", "service", "namespace", "includeSecret"],
    );
    assert.ok(render.responses["200"].content["application/json"].schema.properties.yaml);
  });

  test("no answer held a password, except the text of renders", () => {
    const leaks = api
      .leaks()
      .filter((leak) => !/^POST \/orgs\/acme\/secrets\/render |^GET \/orgs\/acme\/services\/web\/render /.test(leak));
    assert.deepEqual(leaks, []);
    assert.ok(api.leaks().length > 0, "the renders did hold the password, so the search works");
  });

  test("the server's log holds no password", () => {
    for (const secret of api.secrets())
      assert.ok(!wharf.output().includes(secret), `${secret.slice(0, 10)}… in the log`);
  });
});
