/**
 * @module
 * Importing real-shaped `~/.docker/config.json` files into an organization:
 * `auths` with `auth`, an insecure registry, `identitytoken`, `credsStore`
 * and `credHelpers` (which become notes saying how to export), names that
 * collide with existing secrets, and refusals.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { isDomainError } from "../errors/domain-error.ts";
import { type SecretsTestSetup, setUpSecrets } from "./testing/secrets-test-setup.ts";

let t: SecretsTestSetup;

function auth(user: string, password: string): string {
  return Buffer.from(`${user}:${password}`).toString("base64");
}

/** What `docker login` leaves behind on a workstation with Docker Desktop and the ECR helper. */
const workstation = {
  auths: {
    "https://index.docker.io/v1/": { auth: auth("janedoe", "hub:pass-with-colon") },
    "quay.io": { auth: auth("acme+robot", "QUAYTOKEN"), email: "robot@acme.example" },
    "http://lab.internal:5000": { auth: auth("lab", "labpass") },
    "myregistry.azurecr.io": {
      auth: auth("00000000-0000-0000-0000-000000000000", ""),
      identitytoken: "eyJ.refresh.token",
    },
    "ghcr.io": {},
  },
  credsStore: "desktop",
  credHelpers: { "123456789012.dkr.ecr.us-east-1.amazonaws.com": "ecr-login" },
  currentContext: "desktop-linux",
};

before(async () => {
  t = await setUpSecrets();
  await t.secrets.create(t.as("owner"), "acme", {
    name: "quay-io",
    kind: "private-registry",
    registry: "quay.io",
    username: "someone",
    password: "else",
  });
});
after(() => t.close());

describe("importing a Docker config into an organization", () => {
  it("creates a secret per credential and explains every other entry", async () => {
    const result = await t.secrets.importConfig(t.as("admin"), "acme", JSON.stringify(workstation));
    const created = result.created.map((view) => [view.name, view.kind, view.registry, view.credential, view.username]);
    assert.deepEqual(created, [
      ["docker-hub", "docker-hub", "https://index.docker.io/v1/", "password", "janedoe"],
      ["quay-io-2", "private-registry", "https://quay.io", "password", "acme+robot"],
      ["lab-internal-5000", "private-registry", "http://lab.internal:5000", "password", "lab"],
      [
        "myregistry-azurecr-io",
        "private-registry",
        "https://myregistry.azurecr.io",
        "identity-token",
        "00000000-0000-0000-0000-000000000000",
      ],
    ]);
    assert.equal(result.created.find((view) => view.name === "lab-internal-5000")?.insecure, true);
    assert.equal(result.created.find((view) => view.name === "quay-io-2")?.email, "robot@acme.example");
    const notes = result.notes.join("\n");
    assert.match(notes, /a pull secret quay-io already exists: imported auths entry "quay\.io" as quay-io-2/);
    assert.match(notes, /ghcr\.io are held by the credential helper 'docker-credential-desktop'/);
    assert.match(notes, /echo 123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com \| docker-credential-ecr-login get/);
    assert.ok(!notes.includes("QUAYTOKEN") && !JSON.stringify(result.created).includes("QUAYTOKEN"));
  });

  it("stores exactly the imported credentials", async () => {
    const render = async (name: string) =>
      JSON.parse((await t.secrets.render(t.as("owner"), "acme", name, { format: "dockerconfigjson" })).text).auths;
    assert.deepEqual(await render("docker-hub"), {
      "https://index.docker.io/v1/": {
        username: "janedoe",
        password: "hub:pass-with-colon",
        auth: auth("janedoe", "hub:pass-with-colon"),
      },
    });
    assert.deepEqual(await render("myregistry-azurecr-io"), {
      "myregistry.azurecr.io": {
        auth: auth("00000000-0000-0000-0000-000000000000", ""),
        identitytoken: "eyJ.refresh.token",
      },
    });
    const audited = t.audit.filter((event) => event.action === "secret.create" && event.actor === "admin");
    assert.equal(audited.length, 4);
    assert.ok(!JSON.stringify(t.audit).includes("eyJ.refresh.token"));
  });

  it("never overwrites: importing the same file again takes the next free names", async () => {
    const again = await t.secrets.importConfig(t.as("owner"), "acme", JSON.stringify(workstation));
    assert.deepEqual(
      again.created.map((view) => view.name),
      ["docker-hub-2", "quay-io-3", "lab-internal-5000-2", "myregistry-azurecr-io-2"],
    );
  });

  it("refuses members and files that are not Docker configs", async () => {
    await assert.rejects(t.secrets.importConfig(t.as("member"), "acme", "{}"), (error) =>
      isDomainError(error, "forbidden"),
    );
    await assert.rejects(
      t.secrets.importConfig(t.as("owner"), "acme", "user:password"),
      (error) => isDomainError(error, "invalid-input") && /not valid JSON/.test(error.message),
    );
    const helpersOnly = await t.secrets.importConfig(
      t.as("owner"),
      "acme",
      JSON.stringify({ credsStore: "osxkeychain" }),
    );
    assert.deepEqual(helpersOnly.created, []);
    assert.match(helpersOnly.notes[0]!, /docker-credential-osxkeychain list/);
  });
});
