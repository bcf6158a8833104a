/**
 * @module
 * Rendering pull secrets — the only way a password leaves Wharf: the exact
 * `.dockerconfigjson` of one secret, a merge of several, Kubernetes Secrets
 * for several namespaces — and who may render or check, with every render
 * audited.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { parseAllDocuments } from "yaml";
import { isDomainError } from "../errors/domain-error.ts";
import { isWharfError } from "../errors/wharf-error.ts";
import { wireErrorForDomain } from "../http/domain-error-codes.ts";
import { type SecretsTestSetup, setUpSecrets } from "./testing/secrets-test-setup.ts";

let t: SecretsTestSetup;

const b64 = (text: string) => Buffer.from(text).toString("base64");

before(async () => {
  t = await setUpSecrets();
  const owner = t.as("owner");
  await t.secrets.create(owner, "acme", {
    name: "quay",
    kind: "private-registry",
    registry: "quay.io",
    username: "acme+ci",
    password: "quay-pass",
    email: "ci@acme.example",
  });
  await t.secrets.create(owner, "acme", { name: "hub", kind: "docker-hub", username: "jane", password: "hub-pass" });
  await t.secrets.create(owner, "acme", {
    name: "quay-other",
    kind: "private-registry",
    registry: "quay.io",
    username: "other",
    password: "x",
  });
});
after(() => t.close());

describe("rendering pull secrets", () => {
  it("renders one secret as .dockerconfigjson with username, password, email and auth", async () => {
    const rendered = await t.secrets.render(t.as("owner"), "acme", "quay", { format: "dockerconfigjson" });
    assert.equal(rendered.format, "dockerconfigjson");
    assert.equal(
      rendered.text,
      JSON.stringify({
        auths: {
          "quay.io": {
            username: "acme+ci",
            password: "quay-pass",
            email: "ci@acme.example",
            auth: b64("acme+ci:quay-pass"),
          },
        },
      }),
    );
  });

  it("merges several secrets into one config, refusing two credentials for one registry", async () => {
    const merged = await t.secrets.render(t.as("admin"), "acme", ["quay", "hub", "quay"], {
      format: "dockerconfigjson",
    });
    assert.deepEqual(Object.keys(JSON.parse(merged.text).auths), ["quay.io", "https://index.docker.io/v1/"]);
    await assert.rejects(
      t.secrets.render(t.as("owner"), "acme", ["quay", "quay-other"], { format: "dockerconfigjson" }),
      (error) => isDomainError(error, "invalid-input") && error.message.includes('"quay.io"'),
    );
  });

  it("renders Kubernetes Secrets for several namespaces, named as asked", async () => {
    const one = await t.secrets.render(t.as("owner"), "acme", "hub", {
      format: "kubernetes",
      namespaces: ["prod", "staging"],
    });
    const documents = parseAllDocuments(one.text).map((doc) => doc.toJS());
    assert.deepEqual(
      documents.map((doc) => [doc.kind, doc.type, doc.metadata.name, doc.metadata.namespace]),
      [
        ["Secret", "kubernetes.io/dockerconfigjson", "hub", "prod"],
        ["Secret", "kubernetes.io/dockerconfigjson", "hub", "staging"],
      ],
    );
    const config = JSON.parse(Buffer.from(documents[0].data[".dockerconfigjson"], "base64").toString());
    assert.equal(config.auths["https://index.docker.io/v1/"].password, "hub-pass");
    const merged = await t.secrets.render(t.as("owner"), "acme", ["quay", "hub"], {
      format: "kubernetes",
      kubernetesName: "pull",
    });
    assert.deepEqual(parseAllDocuments(merged.text)[0]!.toJS().metadata, { name: "pull", namespace: "default" });
  });

  it("refuses what it cannot render", async () => {
    const owner = t.as("owner");
    const table: [() => Promise<unknown>, string, string][] = [
      [
        () => t.secrets.render(owner, "acme", ["quay", "hub"], { format: "kubernetes" }),
        "INVALID_REQUEST",
        "name of the Kubernetes Secret",
      ],
      [
        () => t.secrets.render(owner, "acme", "hub", { format: "kubernetes", namespaces: ["Prod"] }),
        "INVALID_REQUEST",
        "namespace",
      ],
      [() => t.secrets.render(owner, "acme", [], { format: "dockerconfigjson" }), "INVALID_REQUEST", "at least one"],
      [() => t.secrets.render(owner, "acme", "nope", { format: "dockerconfigjson" }), "NOT_FOUND", '"nope"'],
    ];
    for (const [attempt, code, part] of table) {
      await assert.rejects(attempt(), (error) => {
        const wire = wireErrorForDomain(error);
        return isWharfError(wire, code as "NOT_FOUND") && wire.message.includes(part);
      });
    }
  });
});

describe("who may use a secret", () => {
  it("lets only owners and admins render or check, and audits every render without the password", async () => {
    const refused = (error: unknown) =>
      isDomainError(error, "forbidden") &&
      /only an owner or admin of organization "acme" may (render|check)/.test(error.message);
    await assert.rejects(t.secrets.render(t.as("member"), "acme", "hub", { format: "dockerconfigjson" }), refused);
    await assert.rejects(t.secrets.check(t.as("member"), "acme", "hub", "alpine"), refused);
    await assert.rejects(
      t.secrets.render(t.as("outsider"), "acme", "hub", { format: "dockerconfigjson" }),
      (error) => isDomainError(error, "forbidden") && error.message.includes("not a member"),
    );
    const renders = t.audit.filter((event) => event.action === "secret.render");
    assert.ok(renders.some((event) => event.actor === "admin" && event.target === "secret:acme/hub"));
    assert.ok(
      renders.some(
        (event) =>
          JSON.stringify(event.detail) === JSON.stringify({ format: "kubernetes", namespaces: ["prod", "staging"] }),
      ),
    );
    assert.ok(!/quay-pass|hub-pass/.test(JSON.stringify(t.audit)));
  });
});
