/**
 * @module
 * The customers-and-licenses schema. A customer belongs to an application
 * namespace (gone with it); a license to a customer (gone with it), and its
 * pull records to the license. A license row holds the SHA-256 of its secret
 * id, never the id, and a short public id derived from that hash, so the
 * vendor holding the secret can find the row without sending the secret.
 * Portable types only.
 */
import type { Kysely, Migration } from "kysely";

/** Creates `customers`, `licenses` and `license_pulls`; `down` drops them. */
export const licensingMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("customers")
      .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
      .addColumn("app_slug", "text", (c) => c.notNull().references("namespaces.name").onDelete("cascade"))
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("email", "text")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addUniqueConstraint("customers_app_name", ["app_slug", "name"])
      .execute();
    await db.schema
      .createTable("licenses")
      .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
      .addColumn("customer_id", "integer", (c) => c.notNull().references("customers.id").onDelete("cascade"))
      .addColumn("public_id", "text", (c) => c.notNull().unique())
      .addColumn("secret_hash", "text", (c) => c.notNull().unique())
      .addColumn("channel", "text")
      .addColumn("entitlements", "text", (c) => c.notNull())
      .addColumn("expires_at", "bigint")
      .addColumn("revoked_at", "bigint")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("licenses_customer").on("licenses").column("customer_id").execute();
    await db.schema
      .createTable("license_pulls")
      .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
      .addColumn("license_id", "integer", (c) => c.notNull().references("licenses.id").onDelete("cascade"))
      .addColumn("at", "bigint", (c) => c.notNull())
      .addColumn("repository", "text", (c) => c.notNull())
      .addColumn("reference", "text", (c) => c.notNull())
      .addColumn("digest", "text")
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("bytes", "bigint", (c) => c.notNull())
      .addColumn("remote", "text")
      .execute();
    await db.schema.createIndex("license_pulls_license_at").on("license_pulls").columns(["license_id", "at"]).execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ["license_pulls", "licenses", "customers"]) await db.schema.dropTable(table).execute();
  },
};
