/**
 * @module
 * The external-registry schema. A registry's short name is unique in its
 * organization and may change, so the ciphertext is bound to the row's id;
 * `key_version` repeats the version the ciphertext names (0 without
 * credentials) so a key rotation finds stale rows by index. Portable types only.
 */
import type { Kysely, Migration } from "kysely";

/** Creates `external_registries`; `down` drops it. */
export const externalRegistriesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("external_registries")
      .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
      .addColumn("org_id", "integer", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("host", "text", (c) => c.notNull())
      .addColumn("base_url", "text", (c) => c.notNull())
      .addColumn("prefix", "text", (c) => c.notNull())
      .addColumn("insecure", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("username", "text")
      .addColumn("password_ciphertext", "text")
      .addColumn("key_version", "integer", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addUniqueConstraint("external_registries_org_name", ["org_id", "name"])
      .execute();
    await db.schema
      .createIndex("external_registries_key_version")
      .on("external_registries")
      .column("key_version")
      .execute();
    await db.schema
      .createIndex("external_registries_org_host")
      .on("external_registries")
      .columns(["org_id", "host"])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("external_registries").execute();
  },
};
