/**
 * @module
 * Encryption at rest, checked on the bytes SQLite actually wrote: no
 * password (nor its base64 `auth` form) is in the database file or its
 * write-ahead log; a wrong or missing master key is an error that says so,
 * never garbage; rotation re-encrypts every row under the new version, and
 * everything still opens afterwards.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { isDomainError } from "../errors/domain-error.ts";
import type { KeyRing } from "./key-ring.ts";
import { MasterKeyError } from "./master-key-error.ts";
import { currentRing } from "./secret-service-deps.ts";
import { randomRing, ringWithNewVersion, type SecretsTestSetup, setUpSecrets } from "./testing/secrets-test-setup.ts";

let t: SecretsTestSetup;
const passwords = {
  quay: "quay-PASSWORD-0a9c1f",
  hub: "hub-PASSWORD-77be02",
  lab: "lab-PASSWORD-5d1e93",
  changed: "changed-PASSWORD-c4f1aa",
  token: "identity-TOKEN-9f8e7d",
};

before(async () => {
  t = await setUpSecrets();
  const owner = t.as("owner");
  await t.secrets.create(owner, "acme", {
    name: "quay",
    kind: "private-registry",
    registry: "quay.io",
    username: "q",
    password: passwords.quay,
  });
  await t.secrets.create(owner, "acme", { name: "hub", kind: "docker-hub", username: "h", password: passwords.hub });
  await t.secrets.create(owner, "acme", {
    name: "lab",
    kind: "private-registry",
    registry: "lab:5000",
    insecure: true,
    username: "l",
    password: passwords.lab,
  });
  await t.secrets.update(owner, "acme", "lab", { password: passwords.changed });
  const config = {
    auths: { "ghcr.io": { auth: Buffer.from("g:").toString("base64"), identitytoken: passwords.token } },
  };
  await t.secrets.importConfig(owner, "acme", JSON.stringify(config));
});
after(() => t.close());

/** The password each secret renders with, by name. */
async function rendered(names: readonly string[]): Promise<Record<string, string | undefined>> {
  const result: Record<string, string | undefined> = {};
  for (const name of names) {
    const { text } = await t.secrets.render(t.as("owner"), "acme", name, { format: "dockerconfigjson" });
    const entry = Object.values(JSON.parse(text).auths)[0] as { password?: string; identitytoken?: string };
    result[name] = entry.password ?? entry.identitytoken;
  }
  return result;
}

const expected = { quay: passwords.quay, hub: passwords.hub, lab: passwords.changed, "ghcr-io": passwords.token };

async function databaseBytes(): Promise<Buffer> {
  const files = ["wharf.db", "wharf.db-wal"].map((name) => readFile(join(t.dir, name)).catch(() => Buffer.alloc(0)));
  return Buffer.concat(await Promise.all(files));
}

describe("encryption at rest", () => {
  it("never writes a password in clear to the database file or its WAL", async () => {
    for (const checkpoint of [false, true]) {
      if (checkpoint) await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(t.db);
      const bytes = await databaseBytes();
      assert.ok(bytes.includes("ghcr-io") && bytes.includes("quay.io"), "the secrets' rows are in these files");
      for (const [user, secret] of [
        ["q", passwords.quay],
        ["h", passwords.hub],
        ["l", passwords.lab],
        ["l", passwords.changed],
        ["g", passwords.token],
      ]) {
        assert.ok(!bytes.includes(secret!), `the database holds ${secret} in clear`);
        assert.ok(
          !bytes.includes(Buffer.from(`${user}:${secret}`).toString("base64")),
          `the database holds the auth of ${secret}`,
        );
      }
    }
  });

  it("opens every secret with the right key", async () => {
    assert.deepEqual(await rendered(Object.keys(expected)), expected);
  });

  it("refuses a wrong or missing master key with a clear error, never garbage", async () => {
    const ring = currentRing(t.deps);
    try {
      t.useRing(randomRing(1));
      await assert.rejects(rendered(["quay"]), (error: unknown) => {
        assert.ok(error instanceof MasterKeyError && error.reason === "authentication");
        assert.match(error.message, /^pull secret acme\/quay: cannot decrypt: the master key is wrong/);
        return true;
      });
      t.useRing(randomRing(7));
      await assert.rejects(rendered(["hub"]), (error: unknown) => {
        assert.ok(error instanceof MasterKeyError && error.reason === "unknown-version");
        assert.match(error.message, /master key version 1, which this server does not have/);
        return true;
      });
    } finally {
      t.useRing(ring);
    }
  });
});

describe("key rotation", () => {
  let rotated: KeyRing;

  it("re-encrypts every row under the new version, and everything still opens", async () => {
    const old = currentRing(t.deps);
    rotated = ringWithNewVersion(old);
    t.useRing(rotated);
    const report = await t.secrets.rotateAll();
    assert.deepEqual(report, { keyVersion: 2, reencrypted: 4, changedMeanwhile: 0, failed: [] });
    const views = await t.secrets.list(t.as("member"), "acme");
    assert.deepEqual(
      views.map((view) => view.keyVersion),
      [2, 2, 2, 2],
    );
    assert.deepEqual(await rendered(Object.keys(expected)), expected);
    assert.deepEqual((await t.secrets.rotateAll()).reencrypted, 0);
    t.useRing(old);
    await assert.rejects(rendered(["quay"]), /master key version 2, which this server does not have/);
    t.useRing(rotated);
  });

  it("reports a row it cannot open and re-encrypts the others; only server admins may run it", async () => {
    const row = (await t.db
      .selectFrom("docker_secrets")
      .selectAll()
      .where("name", "=", "hub")
      .executeTakeFirstOrThrow())!;
    const tampered = row.password_ciphertext.slice(0, -2) + (row.password_ciphertext.endsWith("AA") ? "BA" : "AA");
    await t.db.updateTable("docker_secrets").set({ password_ciphertext: tampered }).where("id", "=", row.id).execute();
    t.useRing(ringWithNewVersion(rotated));
    await assert.rejects(t.secrets.rotateAll(t.as("owner")), (error) => isDomainError(error, "forbidden"));
    const report = await t.secrets.rotateAll(t.as("root"));
    assert.equal(report.keyVersion, 3);
    assert.equal(report.reencrypted, 3);
    assert.deepEqual(
      report.failed.map((failure) => failure.secret),
      ["hub"],
    );
    assert.match(report.failed[0]!.reason, /^cannot decrypt: the master key is wrong or the data was altered/);
    const { hub: _, ...others } = expected;
    assert.deepEqual(await rendered(Object.keys(others)), others);
    const audit = t.audit.filter((event) => event.action === "secret.rotate").map((event) => event.actor);
    assert.deepEqual(audit, ["operator", "operator", "root"]);
  });
});
