/**
 * @module
 * Migration 0014, what the second part of garbage collection and quotas
 * needs: `immutable_tag_rules` (tag patterns a namespace or repository
 * keeps immutable, set with `wharf repo immutable`), a tag's `pulled_at`
 * (recorded in batches, read by retention's `keepPulledWithin`), and on
 * `namespace_quotas` the warning threshold (`warn_percent`, null: the
 * default) and `warned_at`, set while usage is above it (so a crossing is
 * reported once).
 */
import type { Kysely, Migration } from "kysely";

/** Adds the table and columns; `down` drops them. */
export const gcRulesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("immutable_tag_rules")
      .addColumn("target", "text", (c) => c.notNull())
      .addColumn("pattern", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("immutable_tag_rules_pk", ["target", "pattern"])
      .execute();
    await db.schema.alterTable("tags").addColumn("pulled_at", "bigint").execute();
    await db.schema.alterTable("namespace_quotas").addColumn("warn_percent", "integer").execute();
    await db.schema.alterTable("namespace_quotas").addColumn("warned_at", "bigint").execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable("namespace_quotas").dropColumn("warned_at").execute();
    await db.schema.alterTable("namespace_quotas").dropColumn("warn_percent").execute();
    await db.schema.alterTable("tags").dropColumn("pulled_at").execute();
    await db.schema.dropTable("immutable_tag_rules").execute();
  },
};
