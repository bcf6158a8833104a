/**
 * @module
 * The licensing store over Kysely (SQLite or PostgreSQL; migration
 * 0005_licensing). A license is always read joined with its customer, so a
 * principal knows its customer's name and application in one query.
 */
import type { Kysely, Selectable } from "kysely";
import type { CustomersTable, Database, LicensePullsTable } from "./database-schema.ts";
import type { CustomerRow, LicensePull, LicenseRow, LicensingMetadata } from "./licensing-metadata.ts";

function toCustomer(row: Selectable<CustomersTable>): CustomerRow {
  return {
    id: Number(row.id),
    appSlug: row.app_slug,
    name: row.name,
    email: row.email,
    createdAt: Number(row.created_at),
  };
}

const nullableNumber = (value: number | null) => (value === null ? null : Number(value));

function toPull(row: Selectable<LicensePullsTable>): LicensePull {
  return {
    licenseId: Number(row.license_id),
    at: Number(row.at),
    repository: row.repository,
    reference: row.reference,
    digest: row.digest,
    kind: row.kind,
    bytes: Number(row.bytes),
    remote: row.remote,
  };
}

/** Creates the licensing store. */
export function createLicensingStore(db: Kysely<Database>): LicensingMetadata {
  const licenses = () =>
    db
      .selectFrom("licenses")
      .innerJoin("customers", "customers.id", "licenses.customer_id")
      .selectAll("licenses")
      .select(["customers.name as customer_name", "customers.app_slug as app_slug"]);

  type Joined = NonNullable<Awaited<ReturnType<ReturnType<typeof licenses>["executeTakeFirst"]>>>;
  const toLicense = (row: Joined): LicenseRow => ({
    id: Number(row.id),
    customerId: Number(row.customer_id),
    publicId: row.public_id,
    secretHash: row.secret_hash,
    channel: row.channel,
    entitlements: JSON.parse(row.entitlements) as string[],
    expiresAt: nullableNumber(row.expires_at),
    revokedAt: nullableNumber(row.revoked_at),
    createdAt: Number(row.created_at),
    sealedId: row.sealed_id,
    customer: row.customer_name,
    appSlug: row.app_slug,
  });
  const one = async (query: ReturnType<typeof licenses>) => {
    const row = await query.executeTakeFirst();
    return row ? toLicense(row) : undefined;
  };

  return {
    async createCustomer(appSlug, name, email, createdAt) {
      const row = await db
        .insertInto("customers")
        .values({ app_slug: appSlug, name, email, created_at: createdAt })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toCustomer(row);
    },
    async findCustomer(appSlug, name) {
      const row = await db
        .selectFrom("customers")
        .selectAll()
        .where("app_slug", "=", appSlug)
        .where("name", "=", name)
        .executeTakeFirst();
      return row ? toCustomer(row) : undefined;
    },
    async listCustomers(appSlug) {
      const rows = await db
        .selectFrom("customers")
        .selectAll()
        .where("app_slug", "=", appSlug)
        .orderBy("name")
        .execute();
      return rows.map(toCustomer);
    },
    async deleteCustomer(id) {
      await db.deleteFrom("customers").where("id", "=", id).execute();
    },

    async createLicense(license) {
      const inserted = await db
        .insertInto("licenses")
        .values({
          customer_id: license.customerId,
          public_id: license.publicId,
          secret_hash: license.secretHash,
          channel: license.channel,
          entitlements: JSON.stringify(license.entitlements),
          expires_at: license.expiresAt,
          revoked_at: null,
          created_at: license.createdAt,
          sealed_id: license.sealedId ?? null,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      return (await one(licenses().where("licenses.id", "=", Number(inserted.id))))!;
    },
    findLicenseByHash: (secretHash) => one(licenses().where("licenses.secret_hash", "=", secretHash)),
    findLicenseById: (id) => one(licenses().where("licenses.id", "=", id)),
    findLicenseByPublicId: (publicId) => one(licenses().where("licenses.public_id", "=", publicId)),
    async listLicenses(appSlug, customerId) {
      let query = licenses().where("customers.app_slug", "=", appSlug);
      if (customerId !== undefined) query = query.where("licenses.customer_id", "=", customerId);
      return (await query.orderBy("licenses.id").execute()).map(toLicense);
    },
    async revokeLicense(id, at) {
      const result = await db
        .updateTable("licenses")
        .set({ revoked_at: at })
        .where("id", "=", id)
        .where("revoked_at", "is", null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async setLicenseExpiry(id, expiresAt) {
      await db.updateTable("licenses").set({ expires_at: expiresAt }).where("id", "=", id).execute();
    },

    async appendPulls(pulls) {
      if (pulls.length === 0) return;
      await db.transaction().execute(async (tx) => {
        for (let i = 0; i < pulls.length; i += 100) {
          const values = pulls.slice(i, i + 100).map((p) => ({
            license_id: p.licenseId,
            at: p.at,
            repository: p.repository,
            reference: p.reference,
            digest: p.digest,
            kind: p.kind,
            bytes: p.bytes,
            remote: p.remote,
          }));
          await tx.insertInto("license_pulls").values(values).execute();
        }
      });
    },
    async listPulls(licenseId, since, limit) {
      const rows = await db
        .selectFrom("license_pulls")
        .selectAll()
        .where("license_id", "=", licenseId)
        .where("at", ">=", since)
        .orderBy("at", "desc")
        .orderBy("id", "desc")
        .limit(limit)
        .execute();
      return rows.map(toPull);
    },
  } satisfies LicensingMetadata;
}
