/**
 * @module
 * Rotation without downtime: a server keeps serving secrets while another
 * process (the `rotate-key` command) adds a key version and re-encrypts
 * every row, because the server reloads its ring when a row names a version
 * it lacks; and rotation started from the server itself.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { MasterKeyError } from "./master-key-error.ts";
import { rotateMasterKey } from "./master-key-file.ts";
import { openMasterKeySource } from "./master-key-source.ts";
import { createSecretStoreService } from "./secret-store-service.ts";
import { type SecretsTestSetup, setUpSecrets } from "./testing/secrets-test-setup.ts";

let t: SecretsTestSetup;

before(async () => {
  t = await setUpSecrets();
});
after(() => t.close());

async function password(service: ReturnType<typeof createSecretStoreService>): Promise<string> {
  const { text } = await service.render(t.as("owner"), "acme", "quay", { format: "dockerconfigjson" });
  return JSON.parse(text).auths["quay.io"].password;
}

describe("master key source", () => {
  it("keeps a running server working while another process rotates the key", async () => {
    const keys = await openMasterKeySource({ dataDir: t.dir, env: {} });
    assert.equal(keys.source, "file");
    const server = createSecretStoreService({ ...t.deps, keyRing: keys.ring, reloadKeyRing: keys.reload });
    const stale = createSecretStoreService({ ...t.deps, keyRing: keys.ring() });
    await server.create(t.as("owner"), "acme", {
      name: "quay",
      kind: "private-registry",
      registry: "quay.io",
      username: "u",
      password: "before-rotation",
    });
    const { ring } = await rotateMasterKey(t.dir, { env: {} });
    const command = createSecretStoreService({ ...t.deps, keyRing: ring });
    assert.deepEqual(await command.rotateAll(), { keyVersion: 2, reencrypted: 1, changedMeanwhile: 0, failed: [] });
    await assert.rejects(
      password(stale),
      (error) => error instanceof MasterKeyError && error.reason === "unknown-version",
    );
    assert.equal(await password(server), "before-rotation");
    assert.equal(keys.ring().currentVersion, 2);
  });

  it("rotates from the server itself, and refuses to when the key comes from the environment", async () => {
    const keys = await openMasterKeySource({ dataDir: t.dir, env: {} });
    const server = createSecretStoreService({ ...t.deps, keyRing: keys.ring, reloadKeyRing: keys.reload });
    assert.deepEqual(await keys.rotate(), { version: 3 });
    assert.equal((await server.rotateAll(t.as("root"))).reencrypted, 1);
    assert.equal((await server.get(t.as("owner"), "acme", "quay")).keyVersion, 3);
    assert.equal(await password(server), "before-rotation");
    const fromEnv = await openMasterKeySource({
      dataDir: t.dir,
      env: { WHARF_MASTER_KEY: randomBytes(32).toString("base64") },
    });
    assert.equal(fromEnv.source, "environment");
    await assert.rejects(
      fromEnv.rotate(),
      (error) => error instanceof MasterKeyError && error.reason === "invalid-key",
    );
  });
});
