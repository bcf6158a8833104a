/**
 * @module
 * Adapts Node's built-in `node:sqlite` (no native build) to the minimal
 * database shape Kysely's SQLite dialect drives. Prepared statements are
 * cached by SQL text: the registry's hot paths run a handful of fixed
 * queries, and preparing them again on every request would dominate.
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";
import type { SqliteDatabase, SqliteStatement } from "kysely";

/** Tunables for an embedded database file. */
export interface NodeSqliteOptions {
  /** `full` fsyncs every commit; `normal` survives a process crash but not power loss. */
  readonly synchronous: "full" | "normal";
}

const maxCachedStatements = 500;

/** Opens `file` in WAL mode and returns it in the shape Kysely's SqliteDialect expects. */
export function openNodeSqlite(file: string, options: NodeSqliteOptions): SqliteDatabase {
  const db = new DatabaseSync(file);
  db.exec("PRAGMA journal_mode = WAL");
  db.exec(`PRAGMA synchronous = ${options.synchronous.toUpperCase()}`);
  db.exec("PRAGMA busy_timeout = 10000");
  db.exec("PRAGMA foreign_keys = ON");
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => db.close(),
    prepare(sql: string): SqliteStatement {
      let statement = cache.get(sql);
      if (!statement) {
        if (cache.size >= maxCachedStatements) cache.clear();
        statement = adaptStatement(db.prepare(sql));
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

function adaptStatement(statement: StatementSync): SqliteStatement {
  const reader = statement.columns().length > 0;
  return {
    reader,
    all: (parameters) => statement.all(...(parameters as never[])),
    run: (parameters) => statement.run(...(parameters as never[])),
    iterate: (parameters) => statement.iterate(...(parameters as never[])),
  };
}
