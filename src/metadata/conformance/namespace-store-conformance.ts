/**
 * @module
 * The conformance suite of {@link NamespaceStore}: namespace names are
 * unique across kinds (of concurrent creates exactly one wins), a new
 * namespace is private, an organization's namespaces list by name, a
 * repository's visibility is an upsert that inherits until set, and a grant
 * is one row per (repository, team or user): setting it again replaces the
 * role, also when two settings race.
 */
import assert from "node:assert/strict";
import { describe } from "node:test";
import type { GrantRow, NamespaceStore } from "../accounts-metadata.ts";
import { fixtureTest, type RoleFixture, type RoleFixtureFactory, race } from "./role-fixture.ts";

const byHolder = (grants: GrantRow[]) =>
  grants.map((g) => [g.teamId ?? 0, g.userId ?? 0, g.role]).sort((a, b) => `${a}`.localeCompare(`${b}`));

/** Registers the suite under `describe(name)`. */
export function runNamespaceStoreConformance(name: string, create: RoleFixtureFactory<NamespaceStore>): void {
  describe(`namespace store conformance: ${name}`, () => {
    const test = (title: string, body: (f: RoleFixture<NamespaceStore>) => Promise<void>) =>
      fixtureTest(create, { users: 2, orgs: 2, teams: 2 }, title, body);

    test("creates private namespaces of every kind; absence is undefined", async ({ store, users, orgs }) => {
      const [ann] = users as [number];
      const [acme] = orgs as [number];
      await store.createNamespace({ name: "ann", kind: "user", userId: ann, orgId: null });
      await store.createNamespace({ name: "acme", kind: "organization", userId: null, orgId: acme });
      await store.createNamespace({ name: "acme-app", kind: "application", userId: null, orgId: acme });
      assert.deepEqual(await store.findNamespace("ann"), {
        name: "ann",
        kind: "user",
        userId: ann,
        orgId: null,
        public: false,
      });
      assert.deepEqual(await store.findNamespace("acme-app"), {
        name: "acme-app",
        kind: "application",
        userId: null,
        orgId: acme,
        public: false,
      });
      assert.equal(await store.findNamespace("nope"), undefined);
    });

    test("a name is taken once across kinds; of concurrent creates exactly one wins", async ({
      store,
      users,
      orgs,
    }) => {
      const [ann] = users as [number];
      const [acme] = orgs as [number];
      await store.createNamespace({ name: "ann", kind: "user", userId: ann, orgId: null });
      await assert.rejects(store.createNamespace({ name: "ann", kind: "organization", userId: null, orgId: acme }));
      assert.equal((await store.findNamespace("ann"))?.kind, "user");
      const { won, lost } = await race(6, () =>
        store.createNamespace({ name: "shared", kind: "organization", userId: null, orgId: acme }),
      );
      assert.deepEqual([won, lost], [1, 5]);
    });

    test("lists an organization's namespaces by name, only its own", async ({ store, users, orgs }) => {
      const [ann] = users as [number];
      const [acme, beta] = orgs as [number, number];
      assert.deepEqual(await store.listNamespaces(acme), []);
      for (const name of ["zeta", "acme", "mid"]) {
        await store.createNamespace({ name, kind: "application", userId: null, orgId: acme });
      }
      await store.createNamespace({ name: "beta", kind: "organization", userId: null, orgId: beta });
      await store.createNamespace({ name: "ann", kind: "user", userId: ann, orgId: null });
      assert.deepEqual(
        (await store.listNamespaces(acme)).map((n) => n.name),
        ["acme", "mid", "zeta"],
      );
    });

    test("namespace and repository visibility: set, reset, inherit until set", async ({ store, orgs }) => {
      const [acme] = orgs as [number];
      await store.createNamespace({ name: "acme", kind: "organization", userId: null, orgId: acme });
      await store.setNamespacePublic("acme", true);
      assert.equal((await store.findNamespace("acme"))?.public, true);
      await store.setNamespacePublic("acme", false);
      assert.equal((await store.findNamespace("acme"))?.public, false);
      await store.setNamespacePublic("missing", true);
      assert.equal(await store.findNamespace("missing"), undefined);
      assert.equal(await store.repositoryPublic("acme/app"), undefined);
      await store.setRepositoryPublic("acme/app", true);
      assert.equal(await store.repositoryPublic("acme/app"), true);
      await Promise.all([store.setRepositoryPublic("acme/app", false), store.setRepositoryPublic("acme/app", false)]);
      assert.equal(await store.repositoryPublic("acme/app"), false);
      assert.equal(await store.repositoryPublic("acme/other"), undefined);
    });

    test("grants to users and teams: set replaces the role, remove takes only the one named", async ({
      store,
      users,
      teams,
    }) => {
      const [ann, bob] = users as [number, number];
      const [devs] = teams as [number];
      assert.deepEqual(await store.grantsFor("acme/app"), []);
      await store.setGrant({ repository: "acme/app", teamId: devs, userId: null, role: "write" });
      await store.setGrant({ repository: "acme/app", teamId: null, userId: ann, role: "read" });
      await store.setGrant({ repository: "acme/app", teamId: null, userId: bob, role: "read" });
      await store.setGrant({ repository: "acme/lib", teamId: null, userId: ann, role: "admin" });
      await store.setGrant({ repository: "acme/app", teamId: null, userId: ann, role: "admin" });
      assert.deepEqual(byHolder(await store.grantsFor("acme/app")), [
        [0, ann, "admin"],
        [0, bob, "read"],
        [devs, 0, "write"],
      ]);
      const grant = (await store.grantsFor("acme/lib"))[0];
      assert.deepEqual(grant, { repository: "acme/lib", teamId: null, userId: ann, role: "admin" });
      await store.removeGrant("acme/app", null, ann);
      await store.removeGrant("acme/app", null, ann);
      await store.removeGrant("acme/app", devs, null);
      assert.deepEqual(byHolder(await store.grantsFor("acme/app")), [[0, bob, "read"]]);
      assert.equal((await store.grantsFor("acme/lib")).length, 1);
    });

    test("grants list teams first by team id, then users by user id, whatever the order they were set in", async ({
      store,
      users,
      teams,
    }) => {
      const [ann, bob] = [...(users as number[])].sort((a, b) => a - b) as [number, number];
      const [devs, ops] = [...(teams as number[])].sort((a, b) => a - b) as [number, number];
      await store.setGrant({ repository: "acme/app", teamId: null, userId: bob, role: "read" });
      await store.setGrant({ repository: "acme/app", teamId: ops, userId: null, role: "write" });
      await store.setGrant({ repository: "acme/app", teamId: null, userId: ann, role: "admin" });
      await store.setGrant({ repository: "acme/app", teamId: devs, userId: null, role: "read" });
      const holders = async () => (await store.grantsFor("acme/app")).map((g) => [g.teamId, g.userId]);
      const expected = [
        [devs, null],
        [ops, null],
        [null, ann],
        [null, bob],
      ];
      assert.deepEqual(await holders(), expected);
      // Replacing a grant re-inserts its row; the order stays the same.
      await store.setGrant({ repository: "acme/app", teamId: devs, userId: null, role: "admin" });
      await store.setGrant({ repository: "acme/app", teamId: null, userId: ann, role: "read" });
      assert.deepEqual(await holders(), expected);
    });

    test("concurrent grants to one holder leave exactly one grant", async ({ store, users, teams }) => {
      const [ann] = users as [number];
      const [devs] = teams as [number];
      const roles = ["read", "write", "admin"] as const;
      await Promise.all(
        Array.from({ length: 9 }, (_, n) =>
          store.setGrant({ repository: "acme/app", teamId: null, userId: ann, role: roles[n % 3]! }),
        ),
      );
      await Promise.all(
        Array.from({ length: 9 }, (_, n) =>
          store.setGrant({ repository: "acme/app", teamId: devs, userId: null, role: roles[n % 3]! }),
        ),
      );
      const grants = await store.grantsFor("acme/app");
      assert.deepEqual(
        grants.map((g) => [g.teamId, g.userId]).sort(),
        [
          [devs, null],
          [null, ann],
        ].sort(),
      );
    });
  });
}
