/**
 * @module
 * `wharf migrate --status`: the schema version of the configured database
 * (the SQLite file, or the PostgreSQL database: one connection, read only)
 * against the migrations this program carries, and what a start would
 * apply. Migrations themselves run when `wharf serve` starts (after an
 * automatic backup of a SQLite file); this command only reads.
 */
import type { Command } from "commander";
import { ConfigError, loadConfig } from "../config/load-config.ts";
import type { SchemaStatus } from "../metadata/schema-version.ts";

interface MigrateOptions {
  status?: boolean;
  data?: string;
  config?: string;
}

/** Prints where `database` stands: its version, this program's latest, what a start would do. */
function printStatus(database: string, status: SchemaStatus): void {
  process.stdout.write(`database: ${database}\n`);
  process.stdout.write(`schema version: ${status.current} (this wharf knows up to ${status.latest})\n`);
  if (status.unknown.length > 0) {
    process.stdout.write(`newer than this wharf: ${status.unknown.join(", ")} (wharf serve will refuse to start)\n`);
  } else if (status.pending.length > 0) {
    process.stdout.write(`pending (applied at the next start): ${status.pending.join(", ")}\n`);
  } else {
    process.stdout.write("up to date\n");
  }
}

/** Registers `migrate` on the program. */
export function registerMigrateCommand(program: Command): void {
  program
    .command("migrate")
    .description("show the database schema version and pending migrations (they run when `wharf serve` starts)")
    .option("--status", "print the current and latest schema versions and the pending migrations")
    .option("--data <dir>", "data directory (default ./data)")
    .option("--config <file>", "YAML configuration file (default $WHARF_CONFIG)")
    .action(async (options: MigrateOptions) => {
      if (!options.status) {
        process.stderr.write(
          "wharf: migrations run when `wharf serve` starts; use `wharf migrate --status` to see them\n",
        );
        process.exit(2);
      }
      try {
        const config = await loadConfig({
          file: options.config ?? process.env.WHARF_CONFIG,
          overrides: options.data ? { dataDir: options.data } : {},
        });
        if (config.database.driver === "postgres") {
          const { readPostgresSchemaStatus } = await import("../metadata/postgres-schema-status.ts");
          const { redactedDatabaseUrl } = await import("../metadata/portable-postgres-dialect.ts");
          const url = config.database.postgres.url!;
          printStatus(`PostgreSQL ${redactedDatabaseUrl(url)}`, await readPostgresSchemaStatus(url));
          return;
        }
        const { existsSync } = await import("node:fs");
        const { sqliteFile } = await import("../metadata/open-database.ts");
        const { appliedMigrations, schemaStatusOf } = await import("../metadata/schema-version.ts");
        const file = sqliteFile(config);
        if (!existsSync(file)) throw new ConfigError(`no database at ${file}: nothing to report (check --data)`);
        const { DatabaseSync } = await import("node:sqlite");
        const database = new DatabaseSync(file, { readOnly: true });
        const status = schemaStatusOf(appliedMigrations(database));
        database.close();
        printStatus(file, status);
      } catch (error) {
        if (error instanceof ConfigError) {
          process.stderr.write(`wharf: ${error.message}\n`);
          process.exit(2);
        }
        throw error;
      }
    });
}
