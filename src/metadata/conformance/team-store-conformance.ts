/**
 * @module
 * The conformance suite of {@link TeamStore}: team names are unique per
 * organization (of concurrent creates exactly one wins), listings are by
 * name with members by name, membership is idempotent, and the cascades the
 * accounts store promises: deleting a team drops its members and grants,
 * and leaving an organization leaves its teams (only its teams).
 */
import assert from "node:assert/strict";
import { describe } from "node:test";
import type { NamespaceStore, OrganizationStore, TeamStore } from "../accounts-metadata.ts";
import { fixtureTest, type RoleFixture, type RoleFixtureFactory, race } from "./role-fixture.ts";

/** The team store, and the two neighbours its cascades touch. */
export type TeamStoreUnderTest = TeamStore &
  Pick<OrganizationStore, "setMembership" | "removeMember"> &
  Pick<NamespaceStore, "setGrant" | "grantsFor">;

/** Registers the suite under `describe(name)`. */
export function runTeamStoreConformance(name: string, create: RoleFixtureFactory<TeamStoreUnderTest>): void {
  describe(`team store conformance: ${name}`, () => {
    const test = (title: string, body: (f: RoleFixture<TeamStoreUnderTest>) => Promise<void>) =>
      fixtureTest(create, { users: 3, orgs: 2 }, title, body);

    test("creates and finds a team per organization; absence is undefined", async ({ store, orgs }) => {
      const [acme, beta] = orgs as [number, number];
      const team = await store.createTeam(acme, "devs", "write");
      assert.deepEqual(team, { id: team.id, orgId: acme, name: "devs", role: "write" });
      assert.deepEqual(await store.findTeam(acme, "devs"), team);
      assert.equal(await store.findTeam(beta, "devs"), undefined);
      assert.equal(await store.findTeam(acme, "ops"), undefined);
      const other = await store.createTeam(beta, "devs", "read");
      assert.notEqual(other.id, team.id, "the same name in another organization is another team");
    });

    test("refuses a duplicate name in one organization; of concurrent creates exactly one wins", async ({
      store,
      orgs,
    }) => {
      const [acme] = orgs as [number];
      const first = await store.createTeam(acme, "devs", "write");
      await assert.rejects(store.createTeam(acme, "devs", "admin"));
      assert.deepEqual(await store.findTeam(acme, "devs"), first);
      const { won, lost } = await race(6, () => store.createTeam(acme, "ops", "read"));
      assert.deepEqual([won, lost], [1, 5]);
      assert.equal((await store.listTeams(acme)).length, 2);
    });

    test("lists an organization's teams by name, members by name", async ({ store, orgs, users }) => {
      const [acme, beta] = orgs as [number, number];
      const [ann, bob, cid] = users as [number, number, number];
      assert.deepEqual(await store.listTeams(acme), []);
      const ops = await store.createTeam(acme, "ops", "admin");
      const devs = await store.createTeam(acme, "devs", "write");
      await store.createTeam(beta, "aaa", "read");
      for (const user of [cid, ann]) await store.addTeamMember(devs.id, user);
      await store.addTeamMember(ops.id, bob);
      assert.deepEqual(await store.listTeams(acme), [
        { ...devs, members: ["seed-user-0", "seed-user-2"] },
        { ...ops, members: ["seed-user-1"] },
      ]);
    });

    test("changes a team's role; membership is idempotent and per organization", async ({ store, orgs, users }) => {
      const [acme, beta] = orgs as [number, number];
      const [ann] = users as [number];
      const devs = await store.createTeam(acme, "devs", "read");
      const other = await store.createTeam(beta, "devs", "read");
      await store.setTeamRole(devs.id, "admin");
      assert.equal((await store.findTeam(acme, "devs"))?.role, "admin");
      assert.equal((await store.findTeam(beta, "devs"))?.role, "read");
      await Promise.all([store.addTeamMember(devs.id, ann), store.addTeamMember(devs.id, ann)]);
      await store.addTeamMember(devs.id, ann);
      await store.addTeamMember(other.id, ann);
      assert.deepEqual(await store.teamsOfUser(acme, ann), [{ ...devs, role: "admin" }]);
      assert.deepEqual((await store.listTeams(acme))[0]?.members, ["seed-user-0"]);
      await store.removeTeamMember(devs.id, ann);
      await store.removeTeamMember(devs.id, ann);
      assert.deepEqual(await store.teamsOfUser(acme, ann), []);
      assert.deepEqual(await store.teamsOfUser(beta, ann), [other]);
    });

    test("a user's teams in an organization list by name", async ({ store, orgs, users }) => {
      const [acme] = orgs as [number];
      const [ann] = users as [number];
      const teams = [];
      for (const name of ["zeta", "alpha", "mid"]) teams.push(await store.createTeam(acme, name, "read"));
      for (const team of teams) await store.addTeamMember(team.id, ann);
      assert.deepEqual(
        (await store.teamsOfUser(acme, ann)).map((t) => t.name),
        ["alpha", "mid", "zeta"],
      );
    });

    test("deleting a team drops its members and grants, and nothing else", async ({ store, orgs, users }) => {
      const [acme] = orgs as [number];
      const [ann, bob] = users as [number, number];
      const devs = await store.createTeam(acme, "devs", "write");
      const ops = await store.createTeam(acme, "ops", "read");
      await store.addTeamMember(devs.id, ann);
      await store.addTeamMember(ops.id, ann);
      await store.setGrant({ repository: "acme/app", teamId: devs.id, userId: null, role: "write" });
      await store.setGrant({ repository: "acme/app", teamId: ops.id, userId: null, role: "read" });
      await store.setGrant({ repository: "acme/app", teamId: null, userId: bob, role: "admin" });
      await store.deleteTeam(devs.id);
      assert.equal(await store.findTeam(acme, "devs"), undefined);
      assert.deepEqual(await store.teamsOfUser(acme, ann), [ops]);
      const grants = await store.grantsFor("acme/app");
      assert.deepEqual(grants.map((g) => [g.teamId, g.userId]).sort(), [
        [null, bob],
        [ops.id, null],
      ]);
      await store.deleteTeam(devs.id);
    });

    test("leaving an organization leaves its teams, not other organizations' teams", async ({ store, orgs, users }) => {
      const [acme, beta] = orgs as [number, number];
      const [, bob] = users as [number, number];
      const devs = await store.createTeam(acme, "devs", "write");
      const other = await store.createTeam(beta, "devs", "write");
      await store.setMembership(acme, bob, false);
      await store.setMembership(beta, bob, false);
      await store.addTeamMember(devs.id, bob);
      await store.addTeamMember(other.id, bob);
      await store.removeMember(acme, bob);
      assert.deepEqual(await store.teamsOfUser(acme, bob), []);
      assert.deepEqual(await store.teamsOfUser(beta, bob), [other]);
    });
  });
}
