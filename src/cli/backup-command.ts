/**
 * @module
 * `wharf backup <dir>` and `wharf restore <dir> --data <new-data-dir>` for
 * the embedded backends (SQLite + filesystem). Backup runs as its own
 * process beside a running `wharf serve` and only reads the data directory.
 * On PostgreSQL `wharf backup` runs `pg_dump` into the directory and leaves
 * the blobs to the object store's own versioning (src/backup/dump-postgres.ts);
 * such a backup is restored with `pg_restore`, and `wharf restore` says so.
 * SQLite with S3 is refused with what to use instead (README, "Backups").
 */

import { join } from "node:path";
import type { Command } from "commander";
import { ConfigError, loadConfig } from "../config/load-config.ts";

interface BackupOptions {
  data?: string;
  config?: string;
  includeMasterKey?: boolean;
}

async function handled(run: () => Promise<void>): Promise<void> {
  const { BackupError } = await import("../backup/backup-layout.ts");
  try {
    await run();
  } catch (error) {
    if (error instanceof ConfigError || error instanceof BackupError) {
      process.stderr.write(`wharf: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

/** Registers `backup` and `restore` on the program. */
export function registerBackupCommands(program: Command): void {
  program
    .command("backup <dir>")
    .description("back up an embedded data directory (safe while `wharf serve` runs) into a new directory")
    .option("--data <dir>", "data directory (default ./data)")
    .option("--config <file>", "YAML configuration file (default $WHARF_CONFIG)")
    .option("--include-master-key", "also copy master-key.json (keep such a backup as secret as the key)")
    .action((dir: string, options: BackupOptions) =>
      handled(async () => {
        const config = await loadConfig({
          file: options.config ?? process.env.WHARF_CONFIG,
          overrides: options.data ? { dataDir: options.data } : {},
        });
        if (config.database.driver === "postgres") {
          const { dumpPostgres } = await import("../backup/dump-postgres.ts");
          const blobs =
            config.storage.driver === "s3"
              ? "the blobs: they stay in the S3 bucket; keep them with bucket versioning or replication"
              : "the blobs: back up the storage root (storage.filesystem.root) with your file-system tools";
          const manifest = await dumpPostgres(config.database.postgres.url!, dir, blobs);
          process.stdout.write(
            `backed up PostgreSQL ${manifest.database} (schema version ${manifest.schemaVersion}) into ${dir} with pg_dump; ` +
              `restore it with pg_restore --no-owner --dbname=<empty database> ${join(dir, manifest.files[0]!)}\n` +
              `not included: ${blobs}, and the master key (keep WHARF_MASTER_KEY apart)\n`,
          );
          return;
        }
        if (config.storage.driver !== "filesystem") {
          throw new ConfigError(
            "wharf backup copies an embedded data directory (SQLite + filesystem); with blobs in S3 and metadata in SQLite, " +
              "copy the database with `sqlite3 wharf.db .backup FILE` and keep the bucket with its own versioning or replication",
          );
        }
        const { sqliteFile } = await import("../metadata/open-database.ts");
        const { createBackup } = await import("../backup/create-backup.ts");
        const manifest = await createBackup(
          {
            dataDir: config.dataDir,
            databaseFile: sqliteFile(config),
            blobRoot: config.storage.filesystem.root ?? join(config.dataDir, "blobs"),
            includeMasterKey: options.includeMasterKey === true,
          },
          dir,
        );
        process.stdout.write(
          `backed up schema version ${manifest.schemaVersion}, ${manifest.blobs} blobs (${manifest.bytes} bytes) and ${manifest.files.join(", ")} into ${dir}\n`,
        );
        if (!manifest.includesMasterKey) {
          process.stdout.write(
            "the master key is not in this backup: keep it apart (or pass --include-master-key) to read the stored secrets after a restore\n",
          );
        }
      }),
    );
  program
    .command("restore <dir>")
    .description("restore a backup into a new data directory (then start `wharf serve --data` on it)")
    .requiredOption("--data <new-data-dir>", "the new (empty) data directory to create")
    .action((dir: string, options: { data: string }) =>
      handled(async () => {
        const { postgresDumpName } = await import("../backup/dump-postgres.ts");
        const { existsSync } = await import("node:fs");
        if (existsSync(join(dir, postgresDumpName))) {
          throw new ConfigError(
            `${dir} is a PostgreSQL backup: restore it into an empty database with ` +
              `pg_restore --no-owner --dbname=postgres://USER@HOST/NEWDB ${join(dir, postgresDumpName)}, ` +
              "then point database.postgres.url at that database",
          );
        }
        const { restoreBackup } = await import("../backup/restore-backup.ts");
        const manifest = await restoreBackup(dir, options.data);
        process.stdout.write(
          `restored ${manifest.blobs} blobs and ${manifest.files.join(", ")} (taken ${manifest.createdAt}) into ${options.data}\n`,
        );
      }),
    );
}
