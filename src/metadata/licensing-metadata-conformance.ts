/**
 * @module
 * The conformance suite of the licensing metadata port. Every database
 * implementation joins it from its own test file with a factory for a fresh
 * store whose database already holds the application namespaces `app-a` and
 * `app-b` (customers reference them).
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { LicensePull, LicensingMetadata, NewLicense } from "./licensing-metadata.ts";

/** A fresh store over a database with namespaces `app-a` and `app-b`, and how to dispose of it. */
export interface LicensingFixture {
  readonly store: LicensingMetadata;
  readonly cleanup: () => Promise<void>;
}

const license = (customerId: number, n: number, extra: Partial<NewLicense> = {}): NewLicense => ({
  customerId,
  publicId: `lic_${n}`,
  secretHash: `hash-${n}`,
  channel: null,
  entitlements: ["app-a/*"],
  expiresAt: null,
  createdAt: 1000 + n,
  ...extra,
});

const pull = (licenseId: number, at: number, extra: Partial<LicensePull> = {}): LicensePull => ({
  licenseId,
  at,
  repository: "app-a/img",
  reference: "1.0",
  digest: "sha256:aa",
  kind: "manifest",
  bytes: 512,
  remote: "127.0.0.1",
  ...extra,
});

/** Registers the suite under `describe(name)`. */
export function runLicensingMetadataConformance(name: string, create: () => Promise<LicensingFixture>): void {
  describe(`licensing metadata conformance: ${name}`, async () => {
    const { store: s, cleanup } = await create();
    after(cleanup);

    it("stores customers per application, names unique per application only", async () => {
      const acme = await s.createCustomer("app-a", "acme", "ops@acme.example", 5);
      assert.deepEqual(acme, { id: acme.id, appSlug: "app-a", name: "acme", email: "ops@acme.example", createdAt: 5 });
      await assert.rejects(s.createCustomer("app-a", "acme", null, 6));
      const other = await s.createCustomer("app-b", "acme", null, 7);
      assert.notEqual(other.id, acme.id);
      await s.createCustomer("app-a", "beta", null, 8);
      assert.deepEqual(await s.findCustomer("app-a", "acme"), acme);
      assert.equal(await s.findCustomer("app-a", "nobody"), undefined);
      assert.deepEqual(
        (await s.listCustomers("app-a")).map((c) => c.name),
        ["acme", "beta"],
      );
      await assert.rejects(s.createCustomer("no-such-app", "x", null, 9), "a customer needs an existing namespace");
    });

    it("finds licenses by hash, row id and public id, joined with their customer", async () => {
      const acme = (await s.findCustomer("app-a", "acme"))!;
      const created = await s.createLicense(
        license(acme.id, 1, {
          channel: "stable",
          entitlements: ["app-a/*", "quay/acme/*"],
          expiresAt: 99,
          sealedId: "v1:sealed",
        }),
      );
      assert.deepEqual(created, {
        ...license(acme.id, 1, {
          channel: "stable",
          entitlements: ["app-a/*", "quay/acme/*"],
          expiresAt: 99,
          sealedId: "v1:sealed",
        }),
        id: created.id,
        revokedAt: null,
        customer: "acme",
        appSlug: "app-a",
      });
      assert.deepEqual(await s.findLicenseByHash("hash-1"), created);
      assert.deepEqual(await s.findLicenseById(created.id), created);
      assert.deepEqual(await s.findLicenseByPublicId("lic_1"), created);
      assert.equal(await s.findLicenseByHash("hash-unknown"), undefined);
      assert.equal(await s.findLicenseById(created.id + 1000), undefined);
      await assert.rejects(s.createLicense(license(acme.id, 1)), "a secret hash and public id are unique");
      await assert.rejects(s.createLicense(license(acme.id, 2, { secretHash: "hash-1" })));
    });

    it("lists an application's licenses, optionally one customer's, oldest first", async () => {
      const acme = (await s.findCustomer("app-a", "acme"))!;
      const beta = (await s.findCustomer("app-a", "beta"))!;
      const other = (await s.findCustomer("app-b", "acme"))!;
      await s.createLicense(license(beta.id, 3));
      await s.createLicense(license(acme.id, 4));
      await s.createLicense(license(other.id, 5));
      assert.deepEqual(
        (await s.listLicenses("app-a")).map((l) => l.publicId),
        ["lic_1", "lic_3", "lic_4"],
      );
      assert.deepEqual(
        (await s.listLicenses("app-a", acme.id)).map((l) => l.publicId),
        ["lic_1", "lic_4"],
      );
      assert.deepEqual(
        (await s.listLicenses("app-b")).map((l) => l.customer),
        ["acme"],
      );
    });

    it("revokes once and changes the expiry", async () => {
      const row = (await s.findLicenseByPublicId("lic_4"))!;
      assert.equal(await s.revokeLicense(row.id, 50), true);
      assert.equal(await s.revokeLicense(row.id, 60), false);
      assert.equal((await s.findLicenseById(row.id))!.revokedAt, 50);
      await s.setLicenseExpiry(row.id, 12345);
      assert.equal((await s.findLicenseById(row.id))!.expiresAt, 12345);
      await s.setLicenseExpiry(row.id, null);
      assert.equal((await s.findLicenseById(row.id))!.expiresAt, null);
    });

    it("appends pull records and lists them newest first, since a time, bounded", async () => {
      const one = (await s.findLicenseByPublicId("lic_1"))!;
      const three = (await s.findLicenseByPublicId("lic_3"))!;
      await s.appendPulls([]);
      const many = Array.from({ length: 150 }, (_, i) => pull(one.id, 100 + i, { kind: "blob", bytes: i }));
      await s.appendPulls([pull(one.id, 10), ...many, pull(three.id, 500, { digest: null, remote: null })]);
      const newest = await s.listPulls(one.id, 0, 3);
      assert.deepEqual(
        newest.map((p) => p.at),
        [249, 248, 247],
      );
      assert.deepEqual(newest[0], pull(one.id, 249, { kind: "blob", bytes: 149 }));
      assert.equal((await s.listPulls(one.id, 0, 1000)).length, 151);
      assert.equal((await s.listPulls(one.id, 240, 1000)).length, 10);
      assert.deepEqual(await s.listPulls(three.id, 0, 10), [pull(three.id, 500, { digest: null, remote: null })]);
    });

    it("deletes a customer with its licenses and their pull records", async () => {
      const acme = (await s.findCustomer("app-a", "acme"))!;
      const one = (await s.findLicenseByPublicId("lic_1"))!;
      await s.deleteCustomer(acme.id);
      assert.equal(await s.findCustomer("app-a", "acme"), undefined);
      assert.equal(await s.findLicenseById(one.id), undefined);
      assert.deepEqual(await s.listPulls(one.id, 0, 10), []);
      assert.deepEqual(
        (await s.listLicenses("app-a")).map((l) => l.publicId),
        ["lic_3"],
      );
    });
  });
}
