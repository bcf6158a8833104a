/**
 * @module
 * The token-signing ring kept in the database, on every metadata backend:
 * two nodes loading it at once agree on one key, a token one node signs
 * verifies on the other, and a rotation on one is used by the other.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createSigningKeyStore } from "../metadata/kysely-signing-key-store.ts";
import { forEachMetadataBackend, type MetadataDatabase } from "../metadata/testing/metadata-backends.ts";
import type { Principal } from "./access.ts";
import { createRegistryTokens } from "./registry-tokens.ts";
import { loadSigningKeysFrom, rotateSigningKeysIn } from "./signing-keys.ts";

const alice: Principal = { kind: "user", name: "alice", userId: 7, isAdmin: false };
const pull = [{ type: "repository", name: "alice/app", actions: ["pull"] }] as const;
const settings = { issuer: "wharf", service: "wharf", ttlSeconds: 60, refreshTtlSeconds: 600 };

forEachMetadataBackend((backend) =>
  describe(`signing keys in the database (${backend.name})`, () => {
    let opened: MetadataDatabase;
    before(async () => {
      opened = await backend.create();
    });
    after(() => opened.cleanup());

    test("nodes starting together share one key; tokens cross nodes; a rotation reaches both", async () => {
      const store = createSigningKeyStore(opened.db);
      const [one, two] = await Promise.all([loadSigningKeysFrom(store), loadSigningKeysFrom(store)]);
      assert.equal((await store.list()).length >= 1, true);
      const a = createRegistryTokens(one, settings);
      const b = createRegistryTokens(two, settings);
      assert.equal((await b.verifyAccess(await a.issueAccess(alice, [...pull])))?.principal, "user:7");
      const before = (await one.current()).kid;
      const rotated = await rotateSigningKeysIn(store);
      assert.notEqual(rotated, before);
      assert.equal((await two.current()).kid, rotated, "the other node signs with the new key");
      assert.equal((await one.current()).kid, rotated);
      assert.equal((await a.verifyAccess(await b.issueAccess(alice, [...pull])))?.principal, "user:7");
      for (let n = 0; n < 4; n++) await rotateSigningKeysIn(store);
      assert.equal((await store.list()).length, 3, "the last three keys are kept");
    });
  }),
);
