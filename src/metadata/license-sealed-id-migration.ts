/**
 * @module
 * Adds `licenses.sealed_id`: the secret license id encrypted under the
 * master key (AES-256-GCM, bound to the license's public handle), so the
 * chart delivery can put a pull secret for the license into the chart's
 * values. Licenses created before this migration have none (null): their
 * charts go without the pull secret value.
 */
import type { Kysely, Migration } from "kysely";

/** Adds the column; `down` drops it. */
export const licenseSealedIdMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("licenses").addColumn("sealed_id", "text").execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable("licenses").dropColumn("sealed_id").execute();
  },
};
