/**
 * @module
 * The token-signing ring kept in the database, on every metadata backend:
 * two nodes loading it at once agree on one key, a token one node signs
 * verifies on the other, and a rotation on one is used by the other. The
 * private keys are sealed under the master key: a plain key written before
 * is still read and sealed by the reseal pass, a master-key rotation re-seals
 * them, and a node without the right master key cannot read them.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { exportJWK, generateKeyPair } from "jose";
import { createSigningKeyStore } from "../metadata/kysely-signing-key-store.ts";
import { forEachMetadataBackend, type MetadataDatabase } from "../metadata/testing/metadata-backends.ts";
import { createKeyRing } from "../secrets/key-ring.ts";
import { MasterKeyError } from "../secrets/master-key-error.ts";
import type { Principal } from "./access.ts";
import { createRegistryTokens } from "./registry-tokens.ts";
import { loadSigningKeysFrom, resealSigningKeysIn, rotateSigningKeysIn } from "./signing-keys.ts";

const alice: Principal = { kind: "user", name: "alice", userId: 7, isAdmin: false };
const pull = [{ type: "repository", name: "alice/app", actions: ["pull"] }] as const;
const settings = { issuer: "wharf", service: "wharf", ttlSeconds: 60, refreshTtlSeconds: 600 };
const v1 = { version: 1, key: Buffer.alloc(32, 1) };
const ring1 = createKeyRing([v1], 1);
const ring12 = createKeyRing([v1, { version: 2, key: Buffer.alloc(32, 2) }], 2);

forEachMetadataBackend((backend) =>
  describe(`signing keys in the database (${backend.name})`, () => {
    let opened: MetadataDatabase;
    before(async () => {
      opened = await backend.create();
    });
    after(() => opened.cleanup());

    test("nodes starting together share one key; tokens cross nodes; a rotation reaches both", async () => {
      const store = createSigningKeyStore(opened.db);
      const [one, two] = await Promise.all([
        loadSigningKeysFrom(store, () => ring1),
        loadSigningKeysFrom(store, () => ring1),
      ]);
      assert.equal((await store.list()).length >= 1, true);
      const a = createRegistryTokens(one, settings);
      const b = createRegistryTokens(two, settings);
      assert.equal((await b.verifyAccess(await a.issueAccess(alice, [...pull])))?.principal, "user:7");
      const before = (await one.current()).kid;
      const rotated = await rotateSigningKeysIn(store, ring1);
      assert.notEqual(rotated, before);
      assert.equal((await two.current()).kid, rotated, "the other node signs with the new key");
      assert.equal((await one.current()).kid, rotated);
      assert.equal((await a.verifyAccess(await b.issueAccess(alice, [...pull])))?.principal, "user:7");
      for (let n = 0; n < 4; n++) await rotateSigningKeysIn(store, ring1);
      assert.equal((await store.list()).length, 3, "the last three keys are kept");
    });

    test("private keys are sealed at rest; plain ones are read, then sealed; a master-key rotation re-seals", async () => {
      const store = createSigningKeyStore(opened.db);
      for (const row of await store.list()) {
        assert.match(row.privateJwk, /^v1:/, "sealed under master key version 1");
        assert.doesNotMatch(row.privateJwk, /"d"/);
      }
      const [newest] = (await store.list()).slice(-1);
      const { privateKey } = await generateKeyPair("ES256", { extractable: true });
      const plain = await exportJWK(privateKey);
      await store.add({ kid: "legacy", createdAt: newest!.createdAt + 1, privateJwk: JSON.stringify(plain) }, 3);
      const keys = await loadSigningKeysFrom(store, () => ring1);
      assert.equal((await keys.current()).kid, "legacy", "a plain key written before sealing is still read");
      assert.deepEqual(await resealSigningKeysIn(store, ring1), { sealed: 1, changedMeanwhile: 0, failed: [] });
      assert.ok((await store.list()).every((r) => r.privateJwk.startsWith("v1:")));
      const rotated = await resealSigningKeysIn(store, ring12);
      assert.equal(rotated.sealed, 3);
      assert.ok((await store.list()).every((r) => r.privateJwk.startsWith("v2:")));
      assert.deepEqual(await resealSigningKeysIn(store, ring12), { sealed: 0, changedMeanwhile: 0, failed: [] });
      await assert.rejects(
        loadSigningKeysFrom(store, () => ring1),
        MasterKeyError,
        "version 2 is not in that ring",
      );
    });
  }),
);
