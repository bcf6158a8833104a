/**
 * @module
 * Which SQL database a Kysely instance talks to, for the few places where
 * SQLite and PostgreSQL need different statements (locks, mostly). Every
 * other difference is translated by the dialect itself.
 */
import { type Kysely, PostgresAdapter } from "kysely";

/** True when `db` runs on PostgreSQL (false for SQLite). */
// biome-ignore lint/suspicious/noExplicitAny: any schema
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
