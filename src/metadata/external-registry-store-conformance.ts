/**
 * @module
 * The conformance suite of the external-registry store. Every database
 * implementation joins it from its own test file with a factory for a
 * fresh store and two organizations (SQLite now; PostgreSQL when it lands).
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { ExternalRegistryFields, ExternalRegistryStore } from "./external-registries-metadata.ts";

/** A fresh store, the ids of two organizations, and how to dispose of it. */
export interface ExternalRegistryFixture {
  readonly store: ExternalRegistryStore;
  readonly orgIds: readonly [number, number];
  readonly cleanup: () => Promise<void>;
}

const quay: ExternalRegistryFields = {
  host: "quay.io",
  baseUrl: "https://quay.io",
  prefix: "acme",
  insecure: false,
  username: "acme+puller",
};
const seal =
  (text: string, keyVersion = 1) =>
  (id: number) => ({ ciphertext: `${text}-${id}`, keyVersion });

/** Registers the suite under `describe(name)`. */
export function runExternalRegistryStoreConformance(
  name: string,
  create: () => Promise<ExternalRegistryFixture>,
): void {
  describe(`external registry store conformance: ${name}`, async () => {
    const { store, orgIds, cleanup } = await create();
    const [acme, other] = orgIds;
    after(cleanup);

    it("stores every field and the ciphertext sealed for the new id; absence is undefined", async () => {
      const row = await store.createExternalRegistry(acme, "quay", quay, seal("sealed"));
      assert.equal(row.ciphertext, `sealed-${row.id}`);
      assert.deepEqual(await store.findExternalRegistry(acme, "quay"), row);
      const { id: _i, orgId, name, ciphertext: _c, keyVersion, createdAt, updatedAt, ...fields } = row;
      assert.deepEqual(fields, quay);
      assert.deepEqual([orgId, name, keyVersion, createdAt === updatedAt], [acme, "quay", 1, true]);
      assert.equal(await store.findExternalRegistry(other, "quay"), undefined);
    });

    it("stores an anonymous registry without ciphertext, version 0", async () => {
      const fields = { ...quay, host: "ghcr.io", baseUrl: "https://ghcr.io", prefix: "", username: null };
      const row = await store.createExternalRegistry(acme, "ghcr", fields, undefined);
      assert.deepEqual([row.username, row.ciphertext, row.keyVersion], [null, null, 0]);
    });

    it("keeps names unique per organization and stores nothing when sealing fails", async () => {
      await assert.rejects(store.createExternalRegistry(acme, "quay", quay, seal("again")));
      await store.createExternalRegistry(other, "quay", quay, seal("other"));
      const broken = () => {
        throw new Error("no key");
      };
      await assert.rejects(store.createExternalRegistry(acme, "broken", quay, broken), /no key/);
      assert.equal(await store.findExternalRegistry(acme, "broken"), undefined);
      assert.deepEqual(
        (await store.listExternalRegistries(acme)).map((r) => r.name),
        ["ghcr", "quay"],
      );
    });

    it("updates fields, renames, replaces or removes the ciphertext, deletes", async () => {
      const row = (await store.findExternalRegistry(acme, "quay"))!;
      const renamed = await store.updateExternalRegistry(
        row.id,
        { name: "quay-acme", prefix: "", username: "bob" },
        { ciphertext: "new", keyVersion: 2 },
      );
      assert.deepEqual(
        [renamed.name, renamed.prefix, renamed.username, renamed.ciphertext, renamed.keyVersion],
        ["quay-acme", "", "bob", "new", 2],
      );
      assert.ok(renamed.updatedAt >= row.updatedAt);
      const kept = await store.updateExternalRegistry(row.id, { insecure: true });
      assert.deepEqual([kept.insecure, kept.ciphertext], [true, "new"]);
      const anonymous = await store.updateExternalRegistry(row.id, { username: null }, null);
      assert.deepEqual([anonymous.username, anonymous.ciphertext, anonymous.keyVersion], [null, null, 0]);
      await store.deleteExternalRegistry(row.id);
      assert.equal(await store.findExternalRegistry(acme, "quay-acme"), undefined);
    });

    it("finds stale rows with credentials in id order; replaces a ciphertext only if unchanged", async () => {
      await store.createExternalRegistry(acme, "hub", { ...quay, host: "docker.io" }, seal("hub"));
      const stale = await store.staleExternalRegistries(2, 0, 10);
      assert.ok(stale.length >= 2);
      assert.ok(stale.every((r, i) => r.keyVersion === 1 && (i === 0 || r.id > stale[i - 1]!.id)));
      assert.deepEqual(await store.staleExternalRegistries(2, stale[0]!.id, 1), [stale[1]]);
      const first = stale[0]!;
      assert.equal(
        await store.replaceExternalCiphertext(first.id, "not-current", { ciphertext: "z", keyVersion: 2 }),
        false,
      );
      assert.equal(
        await store.replaceExternalCiphertext(first.id, first.ciphertext!, { ciphertext: "z", keyVersion: 2 }),
        true,
      );
      assert.ok(!(await store.staleExternalRegistries(2, 0, 10)).some((r) => r.id === first.id));
    });
  });
}
