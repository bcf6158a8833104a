/**
 * @module
 * Opens the metadata database the configuration names and brings its schema
 * up to date. A factory map by driver name (SQLite, PostgreSQL). On
 * PostgreSQL several nodes may start at once: the migrations run under a
 * session advisory lock, so one node applies them and the others wait, then
 * find nothing pending.
 */
import { chmodSync, closeSync, mkdirSync, openSync } from "node:fs";
import { dirname, join } from "node:path";
import { type Dialect, Kysely, type Migration, type MigrationProvider, Migrator, sql } from "kysely";
import type { Config } from "../config/config-schema.ts";
import { ConfigError } from "../config/load-config.ts";
import type { Logger } from "../log/create-logger.ts";
import type { Database } from "./database-schema.ts";
import { migrations } from "./migrations.ts";
import { openNodeSqlite } from "./node-sqlite-database.ts";
import { createPostgresDialect, redactedDatabaseUrl } from "./portable-postgres-dialect.ts";
import { readSchemaStatus, type SchemaStatus, SchemaTooNewError } from "./schema-version.ts";
import { isPostgres } from "./sql-dialect.ts";
import { snapshotSqlite } from "./sqlite-snapshot.ts";
import { TransactionalSqliteDialect } from "./transactional-sqlite-dialect.ts";

const dialects = {
  sqlite: (config: Config) => {
    const file = sqliteFile(config);
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    // Password hashes and encrypted secrets live here: owner-only, and SQLite
    // gives its -wal and -shm files the database file's mode.
    closeSync(openSync(file, "a", 0o600));
    chmodSync(file, 0o600);
    const database = openNodeSqlite(file, { synchronous: config.database.sqlite.synchronous });
    return new TransactionalSqliteDialect({ database, durable: database.durable });
  },
  postgres: (config: Config) =>
    createPostgresDialect({ url: config.database.postgres.url!, poolSize: config.database.postgres.poolSize }),
} satisfies Record<Config["database"]["driver"], (config: Config) => Dialect>;

/** The advisory lock key that serializes migrations across nodes ("wharf" in ASCII). */
const migrationLockKey = 0x7768_6172_66;

const provider: MigrationProvider = {
  getMigrations: async (): Promise<Record<string, Migration>> => migrations,
};

/** The SQLite database file the configuration names. */
export function sqliteFile(config: Config): string {
  return config.database.sqlite.path ?? join(config.dataDir, "wharf.db");
}

/** Hooks around {@link migrateToLatest}. */
export interface MigrateOptions {
  /** Runs once before the first pending migration of a database that has a schema already. */
  readonly beforeMigrate?: (status: SchemaStatus) => Promise<void>;
}

/**
 * Applies every pending migration, each in its own transaction (with the row
 * that records it); throws with the failing migration's name, and with
 * SchemaTooNewError (both version numbers) for a schema newer than this code.
 */
export async function migrateToLatest(db: Kysely<Database>, options: MigrateOptions = {}): Promise<void> {
  if (!isPostgres(db)) return migrateUnlocked(db, options);
  // A session lock on one pooled connection; the migrator uses others.
  await db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${migrationLockKey})`.execute(connection);
    try {
      await migrateUnlocked(db, options);
    } finally {
      await sql`select pg_advisory_unlock(${migrationLockKey})`.execute(connection);
    }
  });
}

async function migrateUnlocked(db: Kysely<Database>, options: MigrateOptions): Promise<void> {
  const status = await readSchemaStatus(db as Kysely<unknown>);
  if (status.unknown.length > 0) throw new SchemaTooNewError(status);
  if (status.pending.length === 0) return;
  if (status.applied.length > 0) await options.beforeMigrate?.(status);
  const migrator = new Migrator({ db, provider });
  for (const _name of status.pending) {
    const { error, results } = await migrator.migrateUp();
    if (error) {
      const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
      throw new Error(`database migration ${failed} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
}

/** What {@link openDatabase} may report. */
export interface OpenDatabaseOptions {
  readonly log?: Pick<Logger, "info">;
  /** The clock that names the pre-migration backup; `Date.now` by default. */
  readonly now?: () => number;
}

/**
 * Before SQLite migrations run on an existing database, a copy of it goes to
 * `<dataDir>/backups/` (unless `database.sqlite.backupBeforeMigrate` is false).
 */
function backupBeforeMigrate(config: Config, options: OpenDatabaseOptions): MigrateOptions {
  if (config.database.driver !== "sqlite" || config.database.sqlite.backupBeforeMigrate === false) return {};
  return {
    async beforeMigrate(status) {
      const stamp = new Date((options.now ?? Date.now)()).toISOString().replace(/[:.]/g, "-");
      const dir = join(config.dataDir, "backups");
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const file = join(dir, `wharf-v${status.current}-before-v${status.latest}-${stamp}.db`);
      await snapshotSqlite(sqliteFile(config), file);
      chmodSync(file, 0o600);
      options.log?.info({ file, from: status.current, to: status.latest }, "backed up the database before migrating");
    },
  };
}

/**
 * One query before anything else, so an unreachable server, a wrong password
 * or a missing database stops the start with a message (the URL's password
 * redacted) instead of a stack trace.
 */
async function probePostgres(db: Kysely<Database>, url: string): Promise<void> {
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    throw new ConfigError(
      `cannot use the PostgreSQL database ${redactedDatabaseUrl(url)}: ${(error as Error).message || (error as NodeJS.ErrnoException).code}; ` +
        "check database.postgres.url (WHARF_DATABASE__POSTGRES__URL) and that the database exists",
    );
  }
}

/** Opens the configured database and migrates it (a ConfigError when PostgreSQL cannot be used). */
export async function openDatabase(config: Config, options: OpenDatabaseOptions = {}): Promise<Kysely<Database>> {
  const db = new Kysely<Database>({ dialect: dialects[config.database.driver](config) });
  try {
    if (config.database.driver === "postgres") await probePostgres(db, config.database.postgres.url!);
    await migrateToLatest(db, backupBeforeMigrate(config, options));
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return db;
}
