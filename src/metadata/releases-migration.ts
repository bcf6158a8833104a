/**
 * @module
 * The releases schema: one row per version of an application (gone with the
 * application's namespace), its channels and resolved images as JSON text.
 * Rows are never updated: a release is immutable once stored. Portable
 * types only.
 */
import type { Kysely, Migration } from "kysely";

/** Creates `releases`; `down` drops it. */
export const releasesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("releases")
      .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
      .addColumn("app_slug", "text", (c) => c.notNull().references("namespaces.name").onDelete("cascade"))
      .addColumn("version", "text", (c) => c.notNull())
      .addColumn("channels", "text", (c) => c.notNull())
      .addColumn("images", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addUniqueConstraint("releases_app_version", ["app_slug", "version"])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("releases").execute();
  },
};
