/**
 * @module
 * The licensing seal pass on every metadata backend: secret field values
 * marked plain by migration 0016 and license-signing keys written in plain
 * JSON before keys were sealed are read as they are, then sealed; a second
 * master-key version re-seals every sealed value (fields, keys, license ids);
 * a second pass does nothing; non-secret values stay as they are; a signer
 * without the right master key cannot open the keys.
 */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { createAccountsMetadata } from "../metadata/kysely-accounts-metadata.ts";
import { createLicenseFieldsStore } from "../metadata/kysely-license-fields-store.ts";
import { createLicensingStore } from "../metadata/kysely-licensing-store.ts";
import { sealedValuesMigration } from "../metadata/sealed-values-migration.ts";
import { forEachMetadataBackend, type MetadataDatabase } from "../metadata/testing/metadata-backends.ts";
import { createKeyRing } from "../secrets/key-ring.ts";
import { MasterKeyError } from "../secrets/master-key-error.ts";
import { encryptSecret } from "../secrets/secret-cipher.ts";
import { verifyLicenseDocument } from "./license-document.ts";
import { createLicenseSigner } from "./license-signer.ts";
import { sealLicensingValues, sealPlainLicensingValues } from "./seal-licensing-values.ts";
import { openSecretField } from "./secret-field-seal.ts";

const v1 = { version: 1, key: Buffer.alloc(32, 1) };
const ring1 = createKeyRing([v1], 1);
const ring12 = createKeyRing([v1, { version: 2, key: Buffer.alloc(32, 2) }], 2);
const document = {
  format: "wharf-license/v1" as const,
  license: "lic_1",
  app: "app-a",
  customer: "acme",
  channel: "stable",
  entitlements: [],
  expiresAt: null,
  fields: {},
};

forEachMetadataBackend((backend) =>
  describe(`sealing licensing values (${backend.name})`, () => {
    let opened: MetadataDatabase;
    let licenseId: number;
    before(async () => {
      opened = await backend.create();
      const accounts = createAccountsMetadata(opened.db);
      const owner = await accounts.createUser("owner", null, "unused", false);
      const org = await accounts.createOrganization("vendor", owner.id);
      await accounts.createNamespace({ name: "app-a", kind: "application", userId: null, orgId: org.id });
      const licensing = createLicensingStore(opened.db);
      const customer = await licensing.createCustomer("app-a", "acme", null, 1);
      const license = await licensing.createLicense({
        customerId: customer.id,
        publicId: "lic_1",
        secretHash: "hash-1",
        sealedId: encryptSecret(ring1, "the-license-id", "lic_1"),
        channel: null,
        entitlements: ["app-a/*"],
        expiresAt: null,
        createdAt: 2,
      });
      licenseId = license.id;
      const fields = createLicenseFieldsStore(opened.db);
      await fields.addField("app-a", { name: "apiKey", type: "secret", choices: null, createdAt: 3 });
      await fields.addField("app-a", { name: "seats", type: "integer", choices: null, createdAt: 3 });
      // As migration 0016 leaves values written before: marked plain.
      await fields.setValues(licenseId, { apiKey: "plain:k-123", seats: "30" });
      const { privateKey } = generateKeyPairSync("ed25519");
      await fields.addSigningKey("lsk_legacy", JSON.stringify(privateKey.export({ format: "jwk" })), 4);
    });
    after(() => opened.cleanup());

    test("plain values are read, sealed by the pass, re-sealed under a new master key, then left alone", async () => {
      const fields = createLicenseFieldsStore(opened.db);
      const signer = createLicenseSigner(
        fields,
        () => 10,
        () => ring1,
      );
      const legacySigned = await signer.sign(document);
      assert.equal(verifyLicenseDocument(legacySigned, await signer.publicJwks()).license, "lic_1");

      assert.deepEqual(await sealLicensingValues(fields, signer, ring1), {
        sealed: 2,
        changedMeanwhile: 0,
        failed: [],
      });
      const values = await fields.values(licenseId);
      assert.match(values.apiKey!, /^v1:/);
      assert.equal(values.seats, "30", "a non-secret value stays as it was");
      assert.equal(openSecretField(ring1, licenseId, "apiKey", values.apiKey!), "k-123");
      assert.match((await fields.signingKeys())[0]!.privateJwk, /^v1:/);

      const rotated = await sealLicensingValues(
        fields,
        createLicenseSigner(
          fields,
          () => 11,
          () => ring12,
        ),
        ring12,
      );
      assert.deepEqual(rotated, { sealed: 3, changedMeanwhile: 0, failed: [] }, "key, field and license id");
      assert.match((await fields.values(licenseId)).apiKey!, /^v2:/);
      assert.match((await fields.sealedIds(0, 10))[0]!.sealedId, /^v2:/);
      assert.deepEqual(await sealLicensingValues(fields, signer, ring12), {
        sealed: 0,
        changedMeanwhile: 0,
        failed: [],
      });

      const fresh = createLicenseSigner(
        fields,
        () => 12,
        () => ring12,
      );
      assert.equal(verifyLicenseDocument(await fresh.sign(document), await fresh.publicJwks()).license, "lic_1");
      assert.equal(verifyLicenseDocument(legacySigned, await fresh.publicJwks()).license, "lic_1", "old documents");
      const stale = createLicenseSigner(
        fields,
        () => 13,
        () => ring1,
      );
      await assert.rejects(stale.publicJwk(), MasterKeyError, "a ring without version 2 cannot open the key");
    });

    test("migration 0016 marks plain secret values only, once", async () => {
      const fields = createLicenseFieldsStore(opened.db);
      await fields.setValues(licenseId, { apiKey: "k-9", seats: "31" });
      await sealedValuesMigration.up(opened.db as never);
      await sealedValuesMigration.up(opened.db as never);
      assert.deepEqual(await fields.values(licenseId), { apiKey: "plain:k-9", seats: "31" });
      assert.equal(openSecretField(undefined, licenseId, "apiKey", "plain:k-9"), "k-9");
      const signer = createLicenseSigner(
        fields,
        () => 14,
        () => ring12,
      );
      const atStart = await sealPlainLicensingValues(fields, signer, ring12);
      assert.deepEqual(atStart, { sealed: 1, changedMeanwhile: 0, failed: [] }, "only the plain value");
      assert.match((await fields.values(licenseId)).apiKey!, /^v2:/);
      assert.deepEqual(await sealPlainLicensingValues(fields, signer, ring12), {
        sealed: 0,
        changedMeanwhile: 0,
        failed: [],
      });
    });

    test("a rotation adds a key that signs from then on, and every key keeps verifying", async () => {
      const fields = createLicenseFieldsStore(opened.db);
      const signer = createLicenseSigner(
        fields,
        () => 20,
        () => ring12,
      );
      const before = await signer.sign(document);
      const added = await signer.rotate();
      const after = await signer.sign(document);
      const kid = (jws: string) => JSON.parse(Buffer.from(jws.split(".")[0]!, "base64url").toString()).kid;
      assert.equal(kid(after), added.kid);
      assert.notEqual(kid(before), added.kid);
      const set = await signer.publicJwks();
      assert.equal(set.keys.at(-1)!.kid, added.kid);
      for (const jws of [before, after]) assert.equal(verifyLicenseDocument(jws, set).license, "lic_1");
      assert.throws(() => verifyLicenseDocument(after, { keys: set.keys.slice(0, -1) }), /no published key/);
    });
  }),
);
