/**
 * @module
 * Adds what online garbage collection needs (migration 0009):
 * `last_referenced_at` on blobs, blob links and manifests — raised whenever
 * a push links, reserves or references them — and `deleting_at` on blobs, the
 * collector's claim on a blob whose file it is about to delete. Existing rows
 * start at their `created_at`. Also `namespace_quotas`: the byte limit of a
 * namespace (the first segment of its repositories' names).
 */
import { type Kysely, type Migration, sql } from "kysely";

const touched = ["blobs", "repository_blobs", "manifests"] as const;

/** Adds the columns; `down` drops them. */
export const gcMigration: Migration = {
  async up(db: Kysely<unknown>) {
    for (const table of touched) {
      await db.schema
        .alterTable(table)
        .addColumn("last_referenced_at", "bigint", (c) => c.notNull().defaultTo(0))
        .execute();
      await sql`update ${sql.table(table)} set last_referenced_at = created_at`.execute(db);
    }
    await db.schema.alterTable("blobs").addColumn("deleting_at", "bigint").execute();
    await db.schema
      .createTable("namespace_quotas")
      .addColumn("namespace", "text", (c) => c.primaryKey())
      .addColumn("max_bytes", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("namespace_quotas").execute();
    await db.schema.alterTable("blobs").dropColumn("deleting_at").execute();
    for (const table of touched) await db.schema.alterTable(table).dropColumn("last_referenced_at").execute();
  },
};
