/**
 * @module
 * Opens the metadata database the configuration names and brings its schema
 * up to date. A factory map by driver name; PostgreSQL joins it later.
 */
import { chmodSync, closeSync, mkdirSync, openSync } from "node:fs";
import { dirname, join } from "node:path";
import { Kysely, type Migration, type MigrationProvider, Migrator, SqliteDialect } from "kysely";
import type { Config } from "../config/config-schema.ts";
import type { Database } from "./database-schema.ts";
import { migrations } from "./migrations.ts";
import { openNodeSqlite } from "./node-sqlite-database.ts";

const dialects = {
  sqlite: (config: Config) => {
    const file = config.database.sqlite.path ?? join(config.dataDir, "wharf.db");
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    // Password hashes and encrypted secrets live here: owner-only, and SQLite
    // gives its -wal and -shm files the database file's mode.
    closeSync(openSync(file, "a", 0o600));
    chmodSync(file, 0o600);
    const database = openNodeSqlite(file, { synchronous: config.database.sqlite.synchronous });
    return new SqliteDialect({ database });
  },
} satisfies Record<Config["database"]["driver"], (config: Config) => SqliteDialect>;

const provider: MigrationProvider = {
  getMigrations: async (): Promise<Record<string, Migration>> => migrations,
};

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new Error(`database migration ${failed} failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Opens the configured database and migrates it. */
export async function openDatabase(config: Config): Promise<Kysely<Database>> {
  const db = new Kysely<Database>({ dialect: dialects[config.database.driver](config) });
  await migrateToLatest(db);
  return db;
}
