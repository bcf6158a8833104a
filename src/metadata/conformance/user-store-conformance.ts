/**
 * @module
 * The conformance suite of {@link UserStore}: every field round-trips,
 * names are unique (of concurrent creates of one name exactly one wins),
 * listing is by name, absence is undefined, and the credentials epoch moves
 * on a password change and a disable only.
 */
import assert from "node:assert/strict";
import { describe } from "node:test";
import type { UserStore } from "../accounts-metadata.ts";
import { fixtureTest, type RoleFixtureFactory, race } from "./role-fixture.ts";

/** Registers the suite under `describe(name)`. */
export function runUserStoreConformance(name: string, create: RoleFixtureFactory<UserStore>): void {
  describe(`user store conformance: ${name}`, () => {
    const test = (title: string, body: (store: UserStore) => Promise<void>) =>
      fixtureTest(create, {}, title, (f) => body(f.store));

    test("stores every field; finds by name and by id; absence is undefined", async (store) => {
      const row = await store.createUser("alice", "alice@example.com", "hash-a", true);
      assert.deepEqual(
        { ...row, id: 0 },
        {
          id: 0,
          name: "alice",
          email: "alice@example.com",
          passwordHash: "hash-a",
          isAdmin: true,
          disabled: false,
          credentialsEpoch: 0,
        },
      );
      assert.ok(row.id > 0);
      assert.deepEqual(await store.findUser("alice"), row);
      assert.deepEqual(await store.findUserById(row.id), row);
      const plain = await store.createUser("bob", null, "hash-b", false);
      assert.deepEqual([plain.email, plain.isAdmin], [null, false]);
      assert.equal(await store.findUser("carol"), undefined);
      assert.equal(await store.findUser("ALICE"), undefined, "names compare exactly");
      assert.equal(await store.findUserById(plain.id + 1000), undefined);
    });

    test("refuses a second user of the same name and keeps the first", async (store) => {
      const first = await store.createUser("alice", null, "hash-a", false);
      await assert.rejects(store.createUser("alice", "other@example.com", "hash-x", true));
      assert.deepEqual(await store.findUser("alice"), first);
      assert.equal(await store.countUsers(), 1);
    });

    test("of concurrent creates of one name exactly one wins", async (store) => {
      const { won, lost } = await race(8, (n) => store.createUser("racer", null, `hash-${n}`, false));
      assert.deepEqual([won, lost], [1, 7]);
      assert.equal(await store.countUsers(), 1);
      assert.deepEqual(
        (await store.listUsers()).map((u) => u.name),
        ["racer"],
      );
    });

    test("lists users by name and counts them; an empty store lists nothing", async (store) => {
      assert.deepEqual([await store.listUsers(), await store.countUsers()], [[], 0]);
      for (const name of ["carol", "alice", "bob"]) await store.createUser(name, null, "h", false);
      assert.deepEqual(
        (await store.listUsers()).map((u) => u.name),
        ["alice", "bob", "carol"],
      );
      assert.equal(await store.countUsers(), 3);
    });

    test("a password change and a disable bump the credentials epoch; re-enabling does not", async (store) => {
      const { id } = await store.createUser("alice", null, "old", false);
      const other = await store.createUser("bob", null, "bob", false);
      await store.setUserPassword(id, "new");
      assert.deepEqual(await pick(store, id), ["new", false, 1]);
      await store.setUserDisabled(id, true);
      assert.deepEqual(await pick(store, id), ["new", true, 2]);
      await store.setUserDisabled(id, false);
      assert.deepEqual(await pick(store, id), ["new", false, 2]);
      assert.deepEqual(await store.findUser("bob"), other, "other users are untouched");
    });

    test("updates of a missing user change nothing and do not fail", async (store) => {
      const { id } = await store.createUser("alice", null, "h", false);
      await store.setUserPassword(id + 1000, "x");
      await store.setUserDisabled(id + 1000, true);
      assert.deepEqual(await pick(store, id), ["h", false, 0]);
      assert.equal(await store.countUsers(), 1);
    });

    test("concurrent password changes each bump the epoch once", async (store) => {
      const { id } = await store.createUser("alice", null, "h", false);
      await Promise.all(Array.from({ length: 6 }, (_, n) => store.setUserPassword(id, `h${n}`)));
      assert.equal((await store.findUserById(id))?.credentialsEpoch, 6);
    });
  });
}

async function pick(store: UserStore, id: number) {
  const row = await store.findUserById(id);
  return [row?.passwordHash, row?.disabled, row?.credentialsEpoch];
}
