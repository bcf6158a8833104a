/**
 * @module
 * Adds `users.credentials_epoch`: a counter raised on every password change
 * and every disable. Refresh tokens carry the epoch they were issued under,
 * so one issued before such a change never works again, even after the user
 * is re-enabled. Existing rows start at 0, which tokens without the claim match.
 */
import type { Kysely, Migration } from "kysely";

/** Adds the column; `down` drops it. */
export const credentialsEpochMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable("users")
      .addColumn("credentials_epoch", "integer", (c) => c.notNull().defaultTo(0))
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable("users").dropColumn("credentials_epoch").execute();
  },
};
