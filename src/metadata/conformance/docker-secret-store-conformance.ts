/**
 * @module
 * The conformance suite of {@link DockerSecretStore}: every field and the
 * ciphertext sealed for the new id round-trip, names are unique per
 * organization (of concurrent creates exactly one wins), a failed seal
 * stores nothing, a rename carries the organization's services along (and
 * no one else's), the rotation walk pages by id, and the ciphertext
 * compare-and-set lets exactly one of concurrent replacements through.
 */
import assert from "node:assert/strict";
import { describe } from "node:test";
import type { DockerSecretFields, DockerSecretStore, ServiceSpec, ServiceStore } from "../secrets-metadata.ts";
import { fixtureTest, type RoleFixture, type RoleFixtureFactory, race } from "./role-fixture.ts";

/** The secret store, and the service store its rename cascades to. */
export type DockerSecretStoreUnderTest = DockerSecretStore & Pick<ServiceStore, "createService" | "findService">;

const quay: DockerSecretFields = {
  kind: "private-registry",
  registryUrl: "https://quay.io",
  registryKey: "quay.io",
  insecure: false,
  credential: "password",
  username: "acme+ci",
  email: "ci@acme.example",
};
const seal =
  (text: string, keyVersion = 1) =>
  (id: number) => ({ ciphertext: `${text}-${id}`, keyVersion });
const service = (name: string, secretName: string | null): ServiceSpec => ({
  name,
  image: "quay.io/acme/web:1.0",
  secretName,
  replicas: 1,
  ports: [],
  env: {},
  command: [],
});

/** Registers the suite under `describe(name)`. */
export function runDockerSecretStoreConformance(
  name: string,
  create: RoleFixtureFactory<DockerSecretStoreUnderTest>,
): void {
  describe(`docker secret store conformance: ${name}`, () => {
    const test = (title: string, body: (f: RoleFixture<DockerSecretStoreUnderTest>) => Promise<void>) =>
      fixtureTest(create, { users: 1, orgs: 2 }, title, body);

    test("stores every field and the ciphertext sealed for the new id; absence is undefined", async ({
      store,
      orgs,
    }) => {
      const [acme, beta] = orgs as [number, number];
      const row = await store.createSecret(acme, "quay", quay, seal("sealed"));
      assert.equal(row.ciphertext, `sealed-${row.id}`);
      assert.deepEqual(await store.findSecret(acme, "quay"), row);
      const { id: _id, orgId, name, ciphertext: _c, keyVersion, createdAt, updatedAt, ...fields } = row;
      assert.deepEqual(fields, quay);
      assert.deepEqual([orgId, name, keyVersion, createdAt === updatedAt], [acme, "quay", 1, true]);
      assert.equal(await store.findSecret(beta, "quay"), undefined);
      assert.equal(await store.findSecret(acme, "hub"), undefined);
    });

    test("names are unique per organization; a failed seal stores nothing", async ({ store, orgs }) => {
      const [acme, beta] = orgs as [number, number];
      await store.createSecret(acme, "quay", quay, seal("a"));
      await assert.rejects(store.createSecret(acme, "quay", quay, seal("b")));
      await store.createSecret(beta, "quay", quay, seal("c"));
      const broken = () => {
        throw new Error("no key");
      };
      await assert.rejects(store.createSecret(acme, "broken", quay, broken), /no key/);
      assert.equal(await store.findSecret(acme, "broken"), undefined);
      const { won, lost } = await race(6, () => store.createSecret(acme, "hub", quay, seal("d")));
      assert.deepEqual([won, lost], [1, 5]);
      assert.deepEqual(
        (await store.listSecrets(acme)).map((s) => s.name),
        ["hub", "quay"],
      );
    });

    test("lists an organization's secrets by name, only its own", async ({ store, orgs }) => {
      const [acme, beta] = orgs as [number, number];
      assert.deepEqual(await store.listSecrets(acme), []);
      for (const name of ["zeta", "alpha", "mid"]) await store.createSecret(acme, name, quay, seal(name));
      await store.createSecret(beta, "aaa", quay, seal("beta"));
      assert.deepEqual(
        (await store.listSecrets(acme)).map((s) => s.name),
        ["alpha", "mid", "zeta"],
      );
    });

    test("updates the given fields, and the ciphertext only when given", async ({ store, orgs }) => {
      const [acme] = orgs as [number];
      const row = await store.createSecret(acme, "quay", quay, seal("a"));
      const kept = await store.updateSecret(row.id, { insecure: true, email: null });
      assert.deepEqual(
        [kept.insecure, kept.email, kept.username, kept.ciphertext],
        [true, null, "acme+ci", row.ciphertext],
      );
      assert.ok(kept.updatedAt >= row.updatedAt);
      const resealed = await store.updateSecret(row.id, { username: "bob" }, { ciphertext: "b", keyVersion: 2 });
      assert.deepEqual([resealed.username, resealed.ciphertext, resealed.keyVersion], ["bob", "b", 2]);
      assert.deepEqual(await store.findSecret(acme, "quay"), resealed);
    });

    test("a rename carries the organization's services, not another's; the old name is free", async ({
      store,
      orgs,
    }) => {
      const [acme, beta] = orgs as [number, number];
      const row = await store.createSecret(acme, "hub", quay, seal("a"));
      await store.createSecret(beta, "hub", quay, seal("b"));
      await store.createService(acme, service("api", "hub"));
      await store.createService(acme, service("web", null));
      await store.createService(beta, service("api", "hub"));
      await store.renameSecret(row.id, "docker-hub");
      assert.equal((await store.findSecret(acme, "docker-hub"))?.id, row.id);
      assert.equal(await store.findSecret(acme, "hub"), undefined);
      assert.equal((await store.findService(acme, "api"))?.secretName, "docker-hub");
      assert.equal((await store.findService(acme, "web"))?.secretName, null);
      assert.equal((await store.findService(beta, "api"))?.secretName, "hub");
      await store.createSecret(acme, "hub", quay, seal("c"));
    });

    test("a rename onto a taken name fails and changes nothing", async ({ store, orgs }) => {
      const [acme] = orgs as [number];
      const hub = await store.createSecret(acme, "hub", quay, seal("a"));
      await store.createSecret(acme, "quay", quay, seal("b"));
      await store.createService(acme, service("api", "hub"));
      await assert.rejects(store.renameSecret(hub.id, "quay"));
      assert.equal((await store.findSecret(acme, "hub"))?.id, hub.id);
      assert.equal((await store.findService(acme, "api"))?.secretName, "hub");
    });

    test("deletes a secret; deleting a missing one is a no-op", async ({ store, orgs }) => {
      const [acme] = orgs as [number];
      const row = await store.createSecret(acme, "quay", quay, seal("a"));
      await store.deleteSecret(row.id);
      await store.deleteSecret(row.id);
      assert.equal(await store.findSecret(acme, "quay"), undefined);
      assert.deepEqual(await store.listSecrets(acme), []);
    });

    test("pages stale secrets by id; a compare-and-set replaces only an unchanged ciphertext", async ({
      store,
      orgs,
    }) => {
      const [acme, beta] = orgs as [number, number];
      for (const n of [1, 2, 3]) await store.createSecret(n === 2 ? beta : acme, `s${n}`, quay, seal(`s${n}`));
      await store.createSecret(acme, "fresh", quay, seal("f", 2));
      const stale = await store.staleSecrets(2, 0, 10);
      assert.deepEqual(
        stale.map((s) => s.name),
        ["s1", "s2", "s3"],
      );
      assert.deepEqual(await store.staleSecrets(2, stale[0]!.id, 1), [stale[1]]);
      assert.deepEqual(await store.staleSecrets(2, stale[2]!.id, 10), []);
      const first = stale[0]!;
      assert.equal(await store.replaceCiphertext(first.id, "changed", { ciphertext: "z", keyVersion: 2 }), false);
      assert.equal(await store.replaceCiphertext(first.id, first.ciphertext, { ciphertext: "z", keyVersion: 2 }), true);
      assert.equal((await store.findSecret(acme, "s1"))?.updatedAt, first.updatedAt, "a rotation is not an edit");
      assert.deepEqual(
        (await store.staleSecrets(2, 0, 10)).map((s) => s.name),
        ["s2", "s3"],
      );
    });

    test("of concurrent compare-and-sets on one ciphertext exactly one wins", async ({ store, orgs }) => {
      const [acme] = orgs as [number];
      const row = await store.createSecret(acme, "quay", quay, seal("a"));
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, n) =>
          store.replaceCiphertext(row.id, row.ciphertext, { ciphertext: `new-${n}`, keyVersion: 2 }),
        ),
      );
      assert.equal(results.filter(Boolean).length, 1);
      const winner = results.indexOf(true);
      assert.equal((await store.findSecret(acme, "quay"))?.ciphertext, `new-${winner}`);
    });
  });
}
