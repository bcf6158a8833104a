/**
 * @module
 * The conformance suite of {@link TokenStore}: every field round-trips,
 * a token hash is unique (of concurrent creates of one hash exactly one
 * wins), a user's tokens list in creation order, a revocation keeps its
 * first time, and absence is undefined.
 */
import assert from "node:assert/strict";
import { describe } from "node:test";
import type { TokenStore } from "../accounts-metadata.ts";
import { fixtureTest, type RoleFixture, type RoleFixtureFactory, race } from "./role-fixture.ts";

/** Registers the suite under `describe(name)`. */
export function runTokenStoreConformance(name: string, create: RoleFixtureFactory<TokenStore>): void {
  describe(`token store conformance: ${name}`, () => {
    const test = (title: string, body: (f: RoleFixture<TokenStore>) => Promise<void>) =>
      fixtureTest(create, { users: 2 }, title, body);

    test("stores every field; finds by hash and by id; absence is undefined", async ({ store, users }) => {
      const [ann] = users as [number];
      const expiresAt = Date.UTC(2030, 0, 1);
      const row = await store.createToken(ann, "ci", "hash-1", ["pull", "push"], expiresAt);
      const { id, createdAt, ...rest } = row;
      assert.ok(id > 0 && createdAt > 0);
      assert.deepEqual(rest, {
        userId: ann,
        name: "ci",
        scopes: ["pull", "push"],
        expiresAt,
        revokedAt: null,
        lastUsedAt: null,
      });
      assert.deepEqual(await store.findTokenByHash("hash-1"), row);
      assert.deepEqual(await store.findTokenById(id), row);
      const forever = await store.createToken(ann, "laptop", "hash-2", [], null);
      assert.deepEqual([forever.expiresAt, forever.scopes], [null, []]);
      assert.equal(await store.findTokenByHash("hash-x"), undefined);
      assert.equal(await store.findTokenById(id + 1000), undefined);
    });

    test("a hash is stored once; of concurrent creates of one hash exactly one wins", async ({ store, users }) => {
      const [ann, bob] = users as [number, number];
      await store.createToken(ann, "ci", "hash-1", [], null);
      await assert.rejects(store.createToken(bob, "other", "hash-1", [], null));
      assert.equal((await store.findTokenByHash("hash-1"))?.userId, ann);
      const { won, lost } = await race(6, (n) => store.createToken(bob, `t${n}`, "hash-2", [], null));
      assert.deepEqual([won, lost], [1, 5]);
      assert.equal((await store.listTokens(bob)).length, 1);
    });

    test("lists a user's tokens in creation order, only theirs", async ({ store, users }) => {
      const [ann, bob] = users as [number, number];
      assert.deepEqual(await store.listTokens(ann), []);
      for (const name of ["zeta", "alpha", "mid"]) await store.createToken(ann, name, `h-${name}`, [], null);
      await store.createToken(bob, "bobs", "h-bob", [], null);
      assert.deepEqual(
        (await store.listTokens(ann)).map((t) => t.name),
        ["zeta", "alpha", "mid"],
      );
    });

    test("revoking keeps the first time; using stamps the last time; missing ids are no-ops", async ({
      store,
      users,
    }) => {
      const [ann] = users as [number];
      const row = await store.createToken(ann, "ci", "hash-1", [], null);
      await store.touchToken(row.id, 1000);
      await store.touchToken(row.id, 2000);
      await store.revokeToken(row.id, 3000);
      await store.revokeToken(row.id, 4000);
      await Promise.all([store.revokeToken(row.id, 5000), store.revokeToken(row.id + 1000, 5000)]);
      await store.touchToken(row.id + 1000, 6000);
      const after = await store.findTokenById(row.id);
      assert.deepEqual([after?.lastUsedAt, after?.revokedAt], [2000, 3000]);
      assert.equal((await store.listTokens(ann)).length, 1);
    });
  });
}
