/**
 * @module
 * What an operator meets when the master key is wrong, against the real
 * server: secrets stored under the key file, then the server restarted on
 * the same data directory with another key in `WHARF_MASTER_KEY`. Listing
 * (no decryption) still works; everything that opens a secret — render,
 * check, a service render with its Secret — answers 503 UNAVAILABLE with
 * the operator's instructions, never garbage, and the log says so; a
 * rotation to a new version given in the environment re-encrypts nothing
 * it cannot open and reports each such secret.
 * A malformed `WHARF_MASTER_KEY` stops the start with a one-line message.
 * Back on the key file, everything works again.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { type Credentials, createManagementClient } from "./support/management-client.ts";
import { adminPassword, removeDataDir, startWharf, type WharfProcess } from "./support/start-wharf.ts";

const admin: Credentials = ["admin", adminPassword];
const registryPassword = "registry-password-Mk77";
const secrets = "/orgs/acme/secrets";

let wharf: WharfProcess;
let dataDir: string;
let api: ReturnType<typeof createManagementClient>;

async function restart(env?: Record<string, string>): Promise<void> {
  await wharf.stop();
  wharf = await startWharf({ auth: true, dataDir, ...(env !== undefined && { env }) });
  api = createManagementClient(wharf.url);
}

before(async () => {
  wharf = await startWharf({ auth: true });
  dataDir = wharf.dataDir;
  api = createManagementClient(wharf.url);
  await api.expect(201, "POST", "/orgs", { as: admin, body: { name: "acme" } });
  const body = {
    name: "quay",
    kind: "private-registry",
    registry: "quay.io",
    username: "ci",
    password: registryPassword,
  };
  await api.expect(201, "POST", secrets, { as: admin, body });
  const service = { name: "web", image: "quay.io/acme/web:1", secretName: "quay" };
  await api.expect(201, "POST", "/orgs/acme/services", { as: admin, body: service });
});
after(async () => {
  await wharf.stop();
  await removeDataDir(dataDir);
});

describe("a wrong master key", () => {
  test("secrets that need decrypting answer 503 UNAVAILABLE with what the operator should do", async () => {
    await restart({ WHARF_MASTER_KEY: randomBytes(32).toString("base64") });
    const list = await api.expect(200, "GET", secrets, { as: admin });
    assert.deepEqual(
      list.body.secrets.map((s: { name: string }) => s.name),
      ["quay"],
    );
    const render = { names: ["quay"], format: "dockerconfigjson" };
    const message = await api.refuse(503, "UNAVAILABLE", "POST", `${secrets}/render`, { as: admin, body: render });
    assert.match(message, /key/i);
    assert.ok(!message.includes(registryPassword));
    await api.refuse(503, "UNAVAILABLE", "POST", `${secrets}/quay/check`, {
      as: admin,
      body: { image: "quay.io/a/b" },
    });
    await api.refuse(503, "UNAVAILABLE", "GET", "/orgs/acme/services/web/render", { as: admin });
    await api.expect(200, "GET", "/orgs/acme/services/web/render?includeSecret=false", { as: admin });
    assert.match(wharf.output(), /master key problem/);
  });

  test("rotate-key with the keys in the environment adds no version and reports each secret it could not open", async () => {
    const key = () => randomBytes(32).toString("base64");
    await restart({ WHARF_MASTER_KEY: `v1:${key()},v2:${key()}` });
    const report = await api.expect(200, "POST", "/secrets/rotate-key", { as: admin });
    const { source, addedVersion, keyVersion, reencrypted } = report.body;
    assert.deepEqual([source, addedVersion, keyVersion, reencrypted], ["environment", null, 2, 0]);
    assert.deepEqual(
      report.body.failed.map((f: { secret: string }) => f.secret),
      ["quay"],
    );
    assert.ok(!report.text.includes(registryPassword));
  });

  test("a malformed WHARF_MASTER_KEY stops the start with a one-line message", async () => {
    await wharf.stop();
    await assert.rejects(
      startWharf({ auth: true, dataDir, env: { WHARF_MASTER_KEY: "not a key!" } }),
      (error: Error) => {
        assert.match(error.message, /exited with 2/);
        assert.match(error.message, /wharf: WHARF_MASTER_KEY is not base64/);
        assert.doesNotMatch(error.message, /at .*\.ts:\d+/, "no stack trace");
        return true;
      },
    );
  });

  test("back on the key file, the secrets open again", async () => {
    wharf = await startWharf({ auth: true, dataDir });
    api = createManagementClient(wharf.url);
    const render = { names: ["quay"], format: "dockerconfigjson" };
    const rendered = await api.expect(200, "POST", `${secrets}/render`, { as: admin, body: render });
    assert.equal(JSON.parse(rendered.body.text).auths["quay.io"].password, registryPassword);
    assert.ok(!wharf.output().includes(registryPassword));
  });
});
