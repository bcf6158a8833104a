/**
 * @module
 * Round trips of the secrets store on every metadata backend: every field of
 * a secret and a service comes back as written, names are unique per
 * organization only, a failed seal stores nothing, a rename carries its
 * services along, and the rotation queries and compare-and-set behave.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createAccountsMetadata } from "./kysely-accounts-metadata.ts";
import { createSecretsStore } from "./kysely-secrets-store.ts";
import type { DockerSecretFields, SecretsMetadata, ServiceSpec } from "./secrets-metadata.ts";
import { forEachMetadataBackend, type MetadataDatabase } from "./testing/metadata-backends.ts";

const quay: DockerSecretFields = {
  kind: "private-registry",
  registryUrl: "https://quay.io",
  registryKey: "quay.io",
  insecure: false,
  credential: "password",
  username: "acme+ci",
  email: "ci@acme.example",
};

const web: ServiceSpec = {
  name: "web",
  image: "quay.io/acme/web:1.0",
  secretName: "quay",
  replicas: 2,
  ports: [{ port: 8080, name: "http", protocol: "TCP" }],
  env: { MODE: "production", EMPTY: "" },
  command: ["/bin/web", "--port", "8080"],
};

forEachMetadataBackend((backend) =>
  describe(backend.name, () => {
    let opened: MetadataDatabase;
    let store: SecretsMetadata;
    let acme: number;
    let other: number;

    before(async () => {
      opened = await backend.create();
      const db = opened.db;
      const accounts = createAccountsMetadata(db);
      const user = await accounts.createUser("owner", null, "unused", false);
      acme = (await accounts.createOrganization("acme", user.id)).id;
      other = (await accounts.createOrganization("other", user.id)).id;
      store = createSecretsStore(db);
    });

    after(() => opened.cleanup());

    describe("the docker secret store", () => {
      it("stores every field and the ciphertext sealed for the new id", async () => {
        let sealedFor = 0;
        const row = await store.createSecret(acme, "quay", quay, (id) => {
          sealedFor = id;
          return { ciphertext: `sealed-${id}`, keyVersion: 1 };
        });
        assert.equal(row.id, sealedFor);
        assert.equal(row.ciphertext, `sealed-${row.id}`);
        assert.deepEqual(await store.findSecret(acme, "quay"), row);
        const { id: _id, orgId, name, ciphertext: _c, keyVersion, createdAt, updatedAt, ...fields } = row;
        assert.deepEqual(fields, quay);
        assert.deepEqual([orgId, name, keyVersion, createdAt === updatedAt], [acme, "quay", 1, true]);
        assert.equal(await store.findSecret(other, "quay"), undefined);
      });

      it("keeps names unique per organization and stores nothing when sealing fails", async () => {
        const seal = () => ({ ciphertext: "x", keyVersion: 1 });
        await assert.rejects(store.createSecret(acme, "quay", quay, seal));
        await store.createSecret(other, "quay", quay, seal);
        await assert.rejects(
          store.createSecret(acme, "broken", quay, () => {
            throw new Error("no key");
          }),
          /no key/,
        );
        assert.equal(await store.findSecret(acme, "broken"), undefined);
        assert.deepEqual(
          (await store.listSecrets(acme)).map((s) => s.name),
          ["quay"],
        );
      });

      it("updates fields and ciphertext, renames with its services, deletes", async () => {
        const row = await store.createSecret(acme, "hub", { ...quay, kind: "docker-hub" }, () => ({
          ciphertext: "a",
          keyVersion: 1,
        }));
        await store.createService(acme, { ...web, name: "api", secretName: "hub" });
        const updated = await store.updateSecret(
          row.id,
          { username: "bob", email: null },
          { ciphertext: "b", keyVersion: 2 },
        );
        assert.equal(updated.username, "bob");
        assert.equal(updated.email, null);
        assert.equal(updated.ciphertext, "b");
        assert.equal(updated.keyVersion, 2);
        await store.renameSecret(row.id, "docker-hub");
        assert.equal((await store.findService(acme, "api"))?.secretName, "docker-hub");
        assert.deepEqual(await store.servicesUsingSecret(acme, "docker-hub"), ["api"]);
        await store.deleteService((await store.findService(acme, "api"))!.id);
        await store.deleteSecret(row.id);
        assert.equal(await store.findSecret(acme, "docker-hub"), undefined);
      });

      it("finds stale rows in id order and replaces a ciphertext only if unchanged", async () => {
        const stale = await store.staleSecrets(2, 0, 10);
        assert.ok(stale.length >= 2);
        assert.ok(stale.every((row, i) => row.keyVersion !== 2 && (i === 0 || row.id > stale[i - 1]!.id)));
        assert.deepEqual(await store.staleSecrets(2, stale[0]!.id, 1), [stale[1]]);
        const first = stale[0]!;
        assert.equal(
          await store.replaceCiphertext(first.id, "not-the-current-one", { ciphertext: "z", keyVersion: 2 }),
          false,
        );
        assert.equal(
          await store.replaceCiphertext(first.id, first.ciphertext, { ciphertext: "z", keyVersion: 2 }),
          true,
        );
        assert.ok(!(await store.staleSecrets(2, 0, 10)).some((row) => row.id === first.id));
      });
    });

    describe("the service store", () => {
      it("round-trips a service, its ports, environment and command", async () => {
        const row = await store.createService(acme, web);
        const { id, orgId, createdAt, updatedAt, ...spec } = row;
        assert.deepEqual(spec, web);
        assert.equal(orgId, acme);
        assert.ok(id > 0 && createdAt > 0 && updatedAt >= createdAt);
        assert.deepEqual(await store.findService(acme, "web"), row);
        assert.equal(await store.findService(other, "web"), undefined);
        await assert.rejects(store.createService(acme, web));
      });

      it("replaces a definition whole and lists by name", async () => {
        const row = (await store.findService(acme, "web"))!;
        const changed = await store.updateService(row.id, {
          ...web,
          replicas: 0,
          ports: [],
          env: {},
          command: [],
          secretName: null,
        });
        assert.equal(changed.replicas, 0);
        assert.equal(changed.secretName, null);
        assert.deepEqual([changed.ports, changed.env, changed.command], [[], {}, []]);
        await store.createService(acme, { ...web, name: "api" });
        assert.deepEqual(
          (await store.listServices(acme)).map((s) => s.name),
          ["api", "web"],
        );
      });
    });
  }),
);
