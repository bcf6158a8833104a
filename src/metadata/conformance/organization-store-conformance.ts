/**
 * @module
 * The conformance suite of {@link OrganizationStore}: a new organization has
 * its creator as owner, names are unique (of concurrent creates exactly one
 * wins, and a loser leaves no member behind), memberships are upserts,
 * listings are by name, and absence is undefined.
 */
import assert from "node:assert/strict";
import { describe } from "node:test";
import type { OrganizationStore } from "../accounts-metadata.ts";
import { fixtureTest, type RoleFixture, type RoleFixtureFactory, race } from "./role-fixture.ts";

/** Registers the suite under `describe(name)`. */
export function runOrganizationStoreConformance(name: string, create: RoleFixtureFactory<OrganizationStore>): void {
  describe(`organization store conformance: ${name}`, () => {
    const test = (title: string, body: (f: RoleFixture<OrganizationStore>) => Promise<void>) =>
      fixtureTest(create, { users: 3 }, title, body);

    test("creates an organization owned by its creator; absence is undefined", async ({ store, users }) => {
      const [ann, bob] = users as [number, number];
      const org = await store.createOrganization("acme", ann);
      assert.ok(org.id > 0);
      assert.deepEqual(org, { id: org.id, name: "acme" });
      assert.deepEqual(await store.findOrganization("acme"), org);
      assert.equal(await store.membership(org.id, ann), "owner");
      assert.equal(await store.membership(org.id, bob), undefined);
      assert.equal(await store.findOrganization("nope"), undefined);
      assert.equal(await store.membership(org.id + 1000, ann), undefined);
    });

    test("refuses a second organization of the same name", async ({ store, users }) => {
      const [ann, bob] = users as [number, number];
      const first = await store.createOrganization("acme", ann);
      await assert.rejects(store.createOrganization("acme", bob));
      assert.deepEqual(await store.findOrganization("acme"), first);
      assert.equal(await store.membership(first.id, bob), undefined, "the failed create added no member");
    });

    test("of concurrent creates of one name exactly one wins; losers leave no membership", async ({ store, users }) => {
      const { won, lost } = await race(users.length, (n) => store.createOrganization("acme", users[n]!));
      assert.deepEqual([won, lost], [1, users.length - 1]);
      const org = (await store.findOrganization("acme"))!;
      const members = await store.listMembers(org.id);
      assert.equal(members.length, 1);
      assert.equal(members[0]!.owner, true);
      const memberships = await Promise.all(users.map((u) => store.listOrganizations(u)));
      assert.equal(memberships.flat().length, 1);
    });

    test("lists all organizations, or a user's, by name", async ({ store, users }) => {
      const [ann, bob, cid] = users as [number, number, number];
      assert.deepEqual(await store.listOrganizations(), []);
      const zeta = await store.createOrganization("zeta", ann);
      const acme = await store.createOrganization("acme", bob);
      const mid = await store.createOrganization("mid", ann);
      await store.setMembership(acme.id, ann, false);
      assert.deepEqual(await store.listOrganizations(), [acme, mid, zeta]);
      assert.deepEqual(await store.listOrganizations(ann), [acme, mid, zeta]);
      assert.deepEqual(await store.listOrganizations(bob), [acme]);
      assert.deepEqual(await store.listOrganizations(cid), []);
    });

    test("memberships are upserts; members list by user name with their owner flag", async ({ store, users }) => {
      const [ann, bob, cid] = users as [number, number, number];
      const org = await store.createOrganization("acme", bob);
      await store.setMembership(org.id, cid, false);
      await store.setMembership(org.id, ann, false);
      assert.equal(await store.membership(org.id, ann), "member");
      await store.setMembership(org.id, ann, true);
      assert.equal(await store.membership(org.id, ann), "owner");
      await store.setMembership(org.id, bob, false);
      assert.deepEqual(await store.listMembers(org.id), [
        { name: "seed-user-0", owner: true },
        { name: "seed-user-1", owner: false },
        { name: "seed-user-2", owner: false },
      ]);
      assert.deepEqual(await store.listMembers(org.id + 1000), []);
    });

    test("concurrent memberships of one user leave one membership", async ({ store, users }) => {
      const [ann, bob] = users as [number, number];
      const org = await store.createOrganization("acme", ann);
      await Promise.all(Array.from({ length: 6 }, (_, n) => store.setMembership(org.id, bob, n % 2 === 0)));
      assert.equal((await store.listMembers(org.id)).length, 2);
      assert.notEqual(await store.membership(org.id, bob), undefined);
    });

    test("removes a member, only from that organization; removing a non-member is a no-op", async ({
      store,
      users,
    }) => {
      const [ann, bob] = users as [number, number];
      const acme = await store.createOrganization("acme", ann);
      const beta = await store.createOrganization("beta", ann);
      await store.setMembership(acme.id, bob, false);
      await store.setMembership(beta.id, bob, false);
      await store.removeMember(acme.id, bob);
      await store.removeMember(acme.id, bob);
      assert.equal(await store.membership(acme.id, bob), undefined);
      assert.equal(await store.membership(beta.id, bob), "member");
      assert.deepEqual(await store.listOrganizations(bob), [beta]);
    });
  });
}
