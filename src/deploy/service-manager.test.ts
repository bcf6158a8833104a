/**
 * @module
 * The service-deployment service through its public methods: creating and
 * changing services with and without a pull secret, who may do what,
 * rendering with the Secret (owners and admins) or without it (members),
 * and how services follow their secret's rename and block its deletion.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { parseAllDocuments } from "yaml";
import { isDomainError } from "../errors/domain-error.ts";
import { isWharfError } from "../errors/wharf-error.ts";
import { wireErrorForDomain } from "../http/domain-error-codes.ts";
import { type SecretsTestSetup, setUpSecrets } from "../secrets/testing/secrets-test-setup.ts";

let t: SecretsTestSetup;

before(async () => {
  t = await setUpSecrets();
  await t.secrets.create(t.as("owner"), "acme", {
    name: "quay-io",
    kind: "private-registry",
    registry: "quay.io",
    username: "acme+ci",
    password: "quay-pass",
  });
});
after(() => t.close());

function kinds(yaml: string): string[] {
  return parseAllDocuments(yaml).map((doc) => doc.toJS().kind);
}

describe("service manager", () => {
  it("creates services, normalizing the image, and reads them back", async () => {
    const api = await t.services.create(t.as("admin"), "acme", {
      name: "api",
      image: "quay.io/acme/api:1.0",
      secretName: "quay-io",
      ports: [8080],
    });
    assert.deepEqual(
      [api.image, api.secretName, api.replicas, api.ports],
      ["quay.io/acme/api:1.0", "quay-io", 1, [{ port: 8080, name: null, protocol: "TCP" }]],
    );
    const web = await t.services.create(t.as("owner"), "acme", { name: "web", image: "spaceuptech/basic-service" });
    assert.equal(web.image, "docker.io/spaceuptech/basic-service:latest");
    assert.deepEqual(await t.services.get(t.as("member"), "acme", "api"), api);
    assert.deepEqual(
      (await t.services.list(t.as("member"), "acme")).map((s) => s.name),
      ["api", "web"],
    );
  });

  it("refuses unknown secrets, taken names, bad definitions and non-managers", async () => {
    const refused = (code: string, part: string) => (error: unknown) => {
      const wire = wireErrorForDomain(error);
      return isWharfError(wire, code as "DENIED") && wire.message.includes(part);
    };
    await assert.rejects(
      t.services.create(t.as("owner"), "acme", { name: "x", image: "nginx", secretName: "nope" }),
      refused("INVALID_REQUEST", 'has no pull secret "nope"'),
    );
    await assert.rejects(
      t.services.create(t.as("owner"), "acme", { name: "api", image: "nginx" }),
      refused("CONFLICT", '"api"'),
    );
    await assert.rejects(
      t.services.create(t.as("owner"), "acme", { name: "x", image: "nginx", replicas: -1 }),
      refused("INVALID_REQUEST", "replicas"),
    );
    await assert.rejects(
      t.services.create(t.as("member"), "acme", { name: "x", image: "nginx" }),
      refused("DENIED", "manage its services"),
    );
    await assert.rejects(t.services.delete(t.as("member"), "acme", "api"), refused("DENIED", "only an owner or admin"));
    await assert.rejects(t.services.list(t.as("outsider"), "acme"), refused("DENIED", "not a member"));
    await assert.rejects(t.services.get(t.as("owner"), "acme", "nope"), refused("NOT_FOUND", '"nope"'));
  });

  it("updates a service, validating the result whole", async () => {
    const updated = await t.services.update(t.as("owner"), "acme", "web", {
      replicas: 2,
      env: { MODE: "prod" },
      secretName: "quay-io",
      image: undefined,
    });
    assert.deepEqual(
      [updated.replicas, updated.env, updated.secretName, updated.image],
      [2, { MODE: "prod" }, "quay-io", "docker.io/spaceuptech/basic-service:latest"],
    );
    const cleared = await t.services.update(t.as("owner"), "acme", "web", { secretName: null });
    assert.equal(cleared.secretName, null);
    await assert.rejects(
      t.services.update(t.as("owner"), "acme", "web", { ports: [0] }),
      (error) => isDomainError(error, "invalid-input") && /port 0/.test(error.message),
    );
    const audit = t.audit.filter((event) => event.action === "service.update").map((event) => event.detail);
    assert.deepEqual(audit[0], { changed: ["secretName", "replicas", "env"] });
  });

  it("renders with the Secret for owners and admins, without it for members", async () => {
    const full = await t.services.render(t.as("admin"), "acme", "api", { namespace: "shop" });
    assert.deepEqual(kinds(full), ["Secret", "Deployment", "Service"]);
    assert.ok(t.audit.some((event) => event.action === "secret.render" && event.actor === "admin"));
    await assert.rejects(t.services.render(t.as("member"), "acme", "api"), (error) =>
      isDomainError(error, "forbidden"),
    );
    const plain = await t.services.render(t.as("member"), "acme", "api", { includeSecret: false });
    assert.deepEqual(kinds(plain), ["Deployment", "Service"]);
    assert.ok(!plain.includes("quay-pass") && !plain.includes(Buffer.from("acme+ci:quay-pass").toString("base64")));
    assert.match(plain, /imagePullSecrets:\n\s+- name: quay-io/);
  });

  it("follows its secret's rename and keeps the secret from being deleted", async () => {
    await t.secrets.rename(t.as("owner"), "acme", "quay-io", "quay");
    assert.equal((await t.services.get(t.as("owner"), "acme", "api")).secretName, "quay");
    await assert.rejects(
      t.secrets.delete(t.as("owner"), "acme", "quay"),
      (error) => isDomainError(error, "conflict") && error.message.includes("used by service api"),
    );
    await t.services.delete(t.as("owner"), "acme", "api");
    await t.secrets.delete(t.as("owner"), "acme", "quay");
    assert.deepEqual(
      (await t.services.list(t.as("owner"), "acme")).map((s) => s.name),
      ["web"],
    );
    const actions = t.audit.map((event) => event.action);
    for (const action of ["service.create", "service.update", "service.delete", "secret.rename", "secret.delete"]) {
      assert.ok(actions.includes(action), action);
    }
  });
});
