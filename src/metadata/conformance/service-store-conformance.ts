/**
 * @module
 * The conformance suite of {@link ServiceStore}: a definition round-trips
 * whole (ports, environment, command), names are unique per organization
 * (of concurrent creates exactly one wins; a rename onto a taken name
 * fails), an update replaces the whole definition, listings are by name,
 * and absence is undefined.
 */
import assert from "node:assert/strict";
import { describe } from "node:test";
import type { ServiceSpec, ServiceStore } from "../secrets-metadata.ts";
import { fixtureTest, type RoleFixture, type RoleFixtureFactory, race } from "./role-fixture.ts";

const web: ServiceSpec = {
  name: "web",
  image: "quay.io/acme/web:1.0",
  secretName: "quay",
  replicas: 2,
  ports: [
    { port: 8080, name: "http", protocol: "TCP" },
    { port: 53, name: null, protocol: "UDP" },
  ],
  env: { MODE: "production", EMPTY: "", QUOTED: 'say "hi"' },
  command: ["/bin/web", "--port", "8080"],
};

/** Registers the suite under `describe(name)`. */
export function runServiceStoreConformance(name: string, create: RoleFixtureFactory<ServiceStore>): void {
  describe(`service store conformance: ${name}`, () => {
    const test = (title: string, body: (f: RoleFixture<ServiceStore>) => Promise<void>) =>
      fixtureTest(create, { users: 1, orgs: 2 }, title, body);

    test("round-trips a definition whole; absence is undefined", async ({ store, orgs }) => {
      const [acme, beta] = orgs as [number, number];
      const row = await store.createService(acme, web);
      const { id, orgId, createdAt, updatedAt, ...spec } = row;
      assert.deepEqual(spec, web);
      assert.equal(orgId, acme);
      assert.ok(id > 0 && createdAt > 0 && updatedAt === createdAt);
      assert.deepEqual(await store.findService(acme, "web"), row);
      assert.equal(await store.findService(beta, "web"), undefined);
      assert.equal(await store.findService(acme, "api"), undefined);
    });

    test("names are unique per organization; of concurrent creates exactly one wins", async ({ store, orgs }) => {
      const [acme, beta] = orgs as [number, number];
      await store.createService(acme, web);
      await assert.rejects(store.createService(acme, { ...web, image: "other" }));
      await store.createService(beta, web);
      const { won, lost } = await race(6, () => store.createService(acme, { ...web, name: "api" }));
      assert.deepEqual([won, lost], [1, 5]);
      assert.equal((await store.listServices(acme)).length, 2);
    });

    test("an update replaces the whole definition; a rename onto a taken name fails", async ({ store, orgs }) => {
      const [acme] = orgs as [number];
      const row = await store.createService(acme, web);
      await store.createService(acme, { ...web, name: "api" });
      const bare = { ...web, name: "site", replicas: 0, ports: [], env: {}, command: [], secretName: null };
      const changed = await store.updateService(row.id, bare);
      const { id, orgId: _o, createdAt, updatedAt, ...spec } = changed;
      assert.deepEqual(spec, bare);
      assert.deepEqual([id, createdAt], [row.id, row.createdAt]);
      assert.ok(updatedAt >= row.updatedAt);
      assert.equal(await store.findService(acme, "web"), undefined);
      await assert.rejects(store.updateService(row.id, { ...bare, name: "api" }));
      assert.deepEqual(await store.findService(acme, "site"), changed);
    });

    test("lists an organization's services by name, only its own", async ({ store, orgs }) => {
      const [acme, beta] = orgs as [number, number];
      assert.deepEqual(await store.listServices(acme), []);
      for (const name of ["zeta", "alpha", "mid"]) await store.createService(acme, { ...web, name });
      await store.createService(beta, { ...web, name: "aaa" });
      assert.deepEqual(
        (await store.listServices(acme)).map((s) => s.name),
        ["alpha", "mid", "zeta"],
      );
    });

    test("finds the services using a secret, sorted, per organization", async ({ store, orgs }) => {
      const [acme, beta] = orgs as [number, number];
      for (const name of ["web", "api", "cron"]) await store.createService(acme, { ...web, name, secretName: "quay" });
      await store.createService(acme, { ...web, name: "bare", secretName: null });
      await store.createService(acme, { ...web, name: "hubbed", secretName: "hub" });
      await store.createService(beta, { ...web, name: "other", secretName: "quay" });
      assert.deepEqual(await store.servicesUsingSecret(acme, "quay"), ["api", "cron", "web"]);
      assert.deepEqual(await store.servicesUsingSecret(acme, "none"), []);
    });

    test("deletes a service; deleting a missing one is a no-op", async ({ store, orgs }) => {
      const [acme] = orgs as [number];
      const row = await store.createService(acme, web);
      await store.deleteService(row.id);
      await store.deleteService(row.id);
      assert.equal(await store.findService(acme, "web"), undefined);
      await store.createService(acme, web);
    });
  });
}
