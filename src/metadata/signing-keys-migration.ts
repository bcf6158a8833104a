/**
 * @module
 * Adds `token_signing_keys`: the token-signing key ring kept in the database,
 * so every node of a PostgreSQL deployment signs and verifies with the same
 * keys. SQLite deployments keep the key file in the data directory (the
 * table stays empty there).
 */
import type { Kysely, Migration } from "kysely";

/** Creates the table; `down` drops it. */
export const signingKeysMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("token_signing_keys")
      .addColumn("kid", "text", (c) => c.primaryKey())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("private_jwk", "text", (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("token_signing_keys").execute();
  },
};
