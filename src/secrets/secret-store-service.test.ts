/**
 * @module
 * The pull-secret service through its public methods, as the API will call
 * them: creating both kinds, reading without the password, changing,
 * renaming and deleting, refusals that name the rule, who may do what, and
 * an audit log that records every change and never a password.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { isDomainError } from "../errors/domain-error.ts";
import { isWharfError } from "../errors/wharf-error.ts";
import { wireErrorForDomain } from "../http/domain-error-codes.ts";
import { type SecretsTestSetup, setUpSecrets } from "./testing/secrets-test-setup.ts";

let t: SecretsTestSetup;
const password = "s3cret:pa55-for-quay";

before(async () => {
  t = await setUpSecrets();
});
after(() => t.close());

function refuses(code: "INVALID_REQUEST" | "NOT_FOUND" | "CONFLICT" | "DENIED" | "UNAUTHORIZED", part: string) {
  return (error: unknown) => {
    const wire = wireErrorForDomain(error);
    assert.ok(isWharfError(wire, code), `expected ${code}, got ${String(error)}`);
    assert.ok(error instanceof Error);
    assert.ok(error.message.includes(part), `"${error.message}" does not include "${part}"`);
    return true;
  };
}

describe("secret store service: create, read, change", () => {
  it("creates a private-registry secret, normalized, and reads it back without the password", async () => {
    const view = await t.secrets.create(t.as("owner"), "acme", {
      name: "quay-io",
      kind: "private-registry",
      registry: "HTTPS://Quay.io/",
      username: "acme+ci",
      password,
      email: "ci@acme.example",
    });
    assert.equal(view.registry, "https://quay.io");
    assert.equal(view.registryKey, "quay.io");
    assert.equal(view.credential, "password");
    assert.equal(view.keyVersion, 1);
    assert.deepEqual(await t.secrets.get(t.as("member"), "acme", "quay-io"), view);
    assert.ok(!JSON.stringify(await t.secrets.list(t.as("member"), "acme")).includes(password));
    assert.ok(!JSON.stringify(view).includes("ciphertext"));
  });

  it("creates a Docker Hub secret under the legacy index URL, and an insecure one over http", async () => {
    const hub = await t.secrets.create(t.as("admin"), "acme", {
      name: "docker-hub",
      kind: "docker-hub",
      username: "janedoe",
      password: "hub-token",
    });
    assert.deepEqual(
      [hub.registry, hub.registryKey, hub.email],
      ["https://index.docker.io/v1/", "https://index.docker.io/v1/", null],
    );
    const lab = await t.secrets.create(t.as("owner"), "acme", {
      name: "lab",
      kind: "private-registry",
      registry: "registry.lab:5000",
      insecure: true,
      username: "u",
      password: "p",
    });
    assert.deepEqual(
      [lab.registry, lab.registryKey, lab.insecure],
      ["http://registry.lab:5000", "registry.lab:5000", true],
    );
  });

  it("refuses bad input naming every broken rule at once", async () => {
    await assert.rejects(
      t.secrets.create(t.as("owner"), "acme", {
        name: "My_Secret",
        kind: "private-registry",
        username: "a:b",
        password: "",
        email: "nope",
      }),
      (error: unknown) => {
        assert.ok(isDomainError(error, "invalid-input"));
        for (const part of [
          "contains 'M', '_'",
          "needs its registry URL",
          "must not contain ':'",
          "password is empty",
          "e-mail",
        ]) {
          assert.ok(error.message.includes(part), `${error.message} lacks ${part}`);
        }
        return true;
      },
    );
    const base = { name: "x", username: "u", password: "p" } as const;
    const table: [Record<string, unknown>, string][] = [
      [{ kind: "private-registry", registry: "http://registry.lab" }, "mark the secret insecure"],
      [
        { kind: "private-registry", registry: "https://registry.lab", insecure: true },
        "uses https:// but the secret is marked insecure",
      ],
      [{ kind: "docker-hub", insecure: true }, "cannot be insecure"],
      [{ kind: "docker-hub", registry: "quay.io" }, "takes no registry URL"],
      [{ kind: "registry" }, "is unknown"],
    ];
    for (const [input, part] of table) {
      await assert.rejects(
        t.secrets.create(t.as("owner"), "acme", { ...base, ...input } as never),
        refuses("INVALID_REQUEST", part),
      );
    }
    await assert.rejects(
      t.secrets.create(t.as("owner"), "acme", {
        name: 5,
        kind: "docker-hub",
        password: ["p"],
        insecure: "yes",
      } as never),
      refuses(
        "INVALID_REQUEST",
        "name must be a string; username is required; password must be a string; insecure must be true or false",
      ),
    );
    await assert.rejects(
      t.secrets.create(t.as("owner"), "acme", { ...base, name: "quay-io", kind: "docker-hub" }),
      refuses("CONFLICT", "already has a pull secret"),
    );
  });

  it("updates any field, re-normalizing the registry", async () => {
    const before = await t.secrets.get(t.as("owner"), "acme", "lab");
    const after = await t.secrets.update(t.as("owner"), "acme", "lab", { insecure: false, email: "ops@lab.example" });
    assert.deepEqual(
      [after.registry, after.insecure, after.email],
      ["https://registry.lab:5000", false, "ops@lab.example"],
    );
    const moved = await t.secrets.update(t.as("admin"), "acme", "lab", {
      registry: "ghcr.io",
      username: "bot",
      password: "new",
    });
    assert.deepEqual([moved.registryKey, moved.username, moved.createdAt], ["ghcr.io", "bot", before.createdAt]);
    const hub = await t.secrets.update(t.as("owner"), "acme", "lab", { kind: "docker-hub", email: null });
    assert.deepEqual([hub.kind, hub.registryKey, hub.email], ["docker-hub", "https://index.docker.io/v1/", null]);
    await assert.rejects(
      t.secrets.update(t.as("owner"), "acme", "lab", {}),
      refuses("INVALID_REQUEST", "nothing to change"),
    );
    await assert.rejects(
      t.secrets.update(t.as("owner"), "acme", "lab", { kind: "private-registry" }),
      refuses("INVALID_REQUEST", "needs its registry URL"),
    );
    await assert.rejects(
      t.secrets.update(t.as("owner"), "acme", "nope", { username: "x" }),
      refuses("NOT_FOUND", '"nope"'),
    );
  });

  it("renames (refusing taken and invalid names) and deletes", async () => {
    await assert.rejects(t.secrets.rename(t.as("owner"), "acme", "lab", "quay-io"), refuses("CONFLICT", "quay-io"));
    await assert.rejects(
      t.secrets.rename(t.as("owner"), "acme", "lab", "-bad"),
      refuses("INVALID_REQUEST", "must begin"),
    );
    const renamed = await t.secrets.rename(t.as("owner"), "acme", "lab", "hub-2");
    assert.equal(renamed.name, "hub-2");
    await t.secrets.delete(t.as("owner"), "acme", "hub-2");
    await assert.rejects(t.secrets.get(t.as("owner"), "acme", "hub-2"), refuses("NOT_FOUND", "hub-2"));
  });
});

describe("secret store service: permissions and audit", () => {
  it("lets members read but not manage, and refuses outsiders, robots and anonymous callers", async () => {
    const input = { name: "m", kind: "docker-hub", username: "u", password: "p" } as const;
    await assert.rejects(t.secrets.create(t.as("member"), "acme", input), refuses("DENIED", "only an owner or admin"));
    await assert.rejects(
      t.secrets.delete(t.as("member"), "acme", "quay-io"),
      refuses("DENIED", "manage its pull secrets"),
    );
    await assert.rejects(t.secrets.list(t.as("outsider"), "acme"), refuses("DENIED", "not a member"));
    await assert.rejects(t.secrets.list(t.as("robot"), "acme"), refuses("DENIED", "robot"));
    await assert.rejects(t.secrets.list(t.as("anonymous"), "acme"), refuses("UNAUTHORIZED", "log in"));
    await assert.rejects(t.secrets.list(t.as("owner"), "nowhere"), refuses("NOT_FOUND", "nowhere"));
    assert.equal((await t.secrets.list(t.as("root"), "acme")).length, 2);
    assert.deepEqual(await t.secrets.list(t.as("outsider"), "other"), []);
  });

  it("records every change, and no password, in the audit log", async () => {
    const actions = t.audit.map((event) => `${event.actor} ${event.action} ${event.target}`);
    assert.ok(actions.includes("owner secret.create secret:acme/quay-io"));
    assert.ok(actions.includes("admin secret.update secret:acme/lab"));
    assert.ok(actions.includes("owner secret.rename secret:acme/hub-2"));
    assert.ok(actions.includes("owner secret.delete secret:acme/hub-2"));
    const text = JSON.stringify(t.audit);
    for (const secret of [password, "hub-token", '"new"']) assert.ok(!text.includes(secret), `audit holds ${secret}`);
  });
});
