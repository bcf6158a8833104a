/**
 * @module
 * The conformance suite of {@link RobotStore}: every field round-trips with
 * its organization's name, robot names are unique per organization (of
 * concurrent creates exactly one wins) and secret hashes everywhere, an
 * organization's robots list by name, a revocation keeps its first time,
 * and absence is undefined.
 */
import assert from "node:assert/strict";
import { describe } from "node:test";
import type { RobotStore } from "../accounts-metadata.ts";
import { fixtureTest, type RoleFixture, type RoleFixtureFactory, race } from "./role-fixture.ts";

/** Registers the suite under `describe(name)`. */
export function runRobotStoreConformance(name: string, create: RoleFixtureFactory<RobotStore>): void {
  describe(`robot store conformance: ${name}`, () => {
    const test = (title: string, body: (f: RoleFixture<RobotStore>) => Promise<void>) =>
      fixtureTest(create, { users: 1, orgs: 2 }, title, body);

    test("stores every field with the organization's name; absence is undefined", async ({ store, orgs }) => {
      const [acme] = orgs as [number];
      const row = await store.createRobot(acme, "ci", "secret-1", ["pull"]);
      const { id, createdAt, ...rest } = row;
      assert.ok(id > 0 && createdAt > 0);
      assert.deepEqual(rest, { orgId: acme, orgName: "seed-org-0", name: "ci", scopes: ["pull"], revokedAt: null });
      assert.deepEqual(await store.findRobotByHash("secret-1"), row);
      assert.deepEqual(await store.findRobotById(id), row);
      assert.equal(await store.findRobotByHash("secret-x"), undefined);
      assert.equal(await store.findRobotById(id + 1000), undefined);
    });

    test("names are unique per organization, hashes everywhere", async ({ store, orgs }) => {
      const [acme, beta] = orgs as [number, number];
      const first = await store.createRobot(acme, "ci", "secret-1", []);
      await assert.rejects(store.createRobot(acme, "ci", "secret-2", []));
      await assert.rejects(store.createRobot(beta, "deploy", "secret-1", []));
      const other = await store.createRobot(beta, "ci", "secret-3", []);
      assert.notEqual(other.id, first.id);
      assert.deepEqual(await store.findRobotByHash("secret-1"), first);
      assert.equal(await store.findRobotByHash("secret-2"), undefined);
    });

    test("of concurrent creates of one name exactly one wins", async ({ store, orgs }) => {
      const [acme] = orgs as [number];
      const { won, lost } = await race(6, (n) => store.createRobot(acme, "ci", `secret-${n}`, []));
      assert.deepEqual([won, lost], [1, 5]);
      assert.equal((await store.listRobots(acme)).length, 1);
    });

    test("lists an organization's robots by name, only its own", async ({ store, orgs }) => {
      const [acme, beta] = orgs as [number, number];
      assert.deepEqual(await store.listRobots(acme), []);
      for (const name of ["zeta", "alpha", "mid"]) await store.createRobot(acme, name, `s-${name}`, []);
      await store.createRobot(beta, "aaa", "s-beta", []);
      assert.deepEqual(
        (await store.listRobots(acme)).map((r) => r.name),
        ["alpha", "mid", "zeta"],
      );
    });

    test("revoking keeps the first time; a missing id is a no-op", async ({ store, orgs }) => {
      const [acme] = orgs as [number];
      const row = await store.createRobot(acme, "ci", "secret-1", []);
      await store.revokeRobot(row.id, 3000);
      await Promise.all([store.revokeRobot(row.id, 4000), store.revokeRobot(row.id + 1000, 4000)]);
      assert.equal((await store.findRobotById(row.id))?.revokedAt, 3000);
    });
  });
}
