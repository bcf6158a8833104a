/**
 * @module
 * Which SQL database a Kysely instance talks to, for the few places where
 * SQLite and PostgreSQL need different statements (locks, mostly). Every
 * other difference is translated by the dialect itself.
 */
import { type Kysely, PostgresAdapter, sql, type Transaction } from "kysely";

/** True when `db` runs on PostgreSQL (false for SQLite). */
// biome-ignore lint/suspicious/noExplicitAny: any schema
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * Inside a transaction, waits until no other transaction holds any of
 * `keys`, and holds them until this one ends. SQLite needs nothing: its
 * single connection runs one transaction at a time. PostgreSQL takes
 * transaction advisory locks, in sorted order so two callers never deadlock;
 * unlike row locks they also cover rows that do not exist yet.
 */
// biome-ignore lint/suspicious/noExplicitAny: any schema
export async function lockKeys(trx: Transaction<any>, keys: readonly string[]): Promise<void> {
  if (!isPostgres(trx)) return;
  for (const key of [...new Set(keys)].sort()) {
    await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
  }
}
