/**
 * @module
 * The schema version of a PostgreSQL metadata database, read without
 * migrating it (`wharf migrate --status`, `wharf backup`): one short-lived
 * connection, a probe that turns an unreachable server or a wrong password
 * into a ConfigError naming the URL with its password redacted, then the
 * applied migrations from Kysely's table.
 */
import { Kysely, sql } from "kysely";
import { ConfigError } from "../config/load-config.ts";
import { createPostgresDialect, redactedDatabaseUrl } from "./portable-postgres-dialect.ts";
import { readSchemaStatus, type SchemaStatus } from "./schema-version.ts";

/** Reads where the database at `url` stands against this program's migrations; changes nothing. */
export async function readPostgresSchemaStatus(url: string): Promise<SchemaStatus> {
  const db = new Kysely<unknown>({ dialect: createPostgresDialect({ url, poolSize: 2 }) });
  try {
    try {
      await sql`select 1`.execute(db);
    } catch (error) {
      throw new ConfigError(
        `cannot use the PostgreSQL database ${redactedDatabaseUrl(url)}: ${(error as Error).message || (error as NodeJS.ErrnoException).code}; ` +
          "check database.postgres.url (WHARF_DATABASE__POSTGRES__URL) and that the database exists",
      );
    }
    return await readSchemaStatus(db);
  } finally {
    await db.destroy();
  }
}
