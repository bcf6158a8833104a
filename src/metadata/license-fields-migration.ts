/**
 * @module
 * Migration 0012: custom license fields and the license-signing key.
 * - `license_field_definitions`: an application's typed fields (integer,
 *   string, boolean, enum with its `choices` as JSON text, secret);
 * - `license_field_values`: one license's value of one field, as text in
 *   the field's canonical form (deleted with the license);
 * - `license_signing_keys`: the Ed25519 key (private JWK) Wharf signs
 *   license documents with, shared by every node through the database;
 * - `chart_channel_tags`: which tags of a vendor chart repository are
 *   promoted to which channel (charts/chart-channels.ts).
 */
import type { Kysely, Migration } from "kysely";

/** Creates the four tables; `down` drops them. */
export const licenseFieldsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("license_field_definitions")
      .addColumn("app_slug", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("type", "text", (c) => c.notNull())
      .addColumn("choices", "text")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("license_field_definitions_pk", ["app_slug", "name"])
      .execute();
    await db.schema
      .createTable("license_field_values")
      .addColumn("license_id", "integer", (c) => c.notNull().references("licenses.id").onDelete("cascade"))
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("value", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("license_field_values_pk", ["license_id", "name"])
      .execute();
    await db.schema
      .createTable("license_signing_keys")
      .addColumn("kid", "text", (c) => c.primaryKey())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("private_jwk", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("chart_channel_tags")
      .addColumn("repository", "text", (c) => c.notNull())
      .addColumn("channel", "text", (c) => c.notNull())
      .addColumn("tag", "text", (c) => c.notNull())
      .addColumn("promoted_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("chart_channel_tags_pk", ["repository", "channel", "tag"])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of [
      "chart_channel_tags",
      "license_signing_keys",
      "license_field_values",
      "license_field_definitions",
    ]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
