/**
 * @module
 * `wharf backup <dir>` and `wharf restore <dir> --data <new-data-dir>` for
 * the embedded backends (SQLite + filesystem). Backup runs as its own
 * process beside a running `wharf serve` and only reads the data directory;
 * with S3 and PostgreSQL use those systems' own tools (README, "Backups").
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
        if (config.storage.driver !== "filesystem" || config.database.driver !== "sqlite") {
          throw new ConfigError(
            "wharf backup covers the embedded backends (SQLite + filesystem); back up PostgreSQL with pg_dump and the bucket with its own versioning or replication",
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
        const { restoreBackup } = await import("../backup/restore-backup.ts");
        const manifest = await restoreBackup(dir, options.data);
        process.stdout.write(
          `restored ${manifest.blobs} blobs and ${manifest.files.join(", ")} (taken ${manifest.createdAt}) into ${options.data}\n`,
        );
      }),
    );
}
