/**
 * @module
 * `wharf backup` on PostgreSQL: `pg_dump --format=custom` of the metadata
 * database into `<dir>/wharf.pgdump` beside a `wharf-backup.json` that says
 * what the backup is and is not. The blobs are not copied: they live in the
 * object store, whose own versioning or replication keeps them (a blob is
 * written before the row that references it, and never changed, so a dump
 * references only blobs the bucket had when it was taken). The password
 * goes to pg_dump through PGPASSWORD, never on its command line. Restore is
 * PostgreSQL's own `pg_restore` into an empty database.
 *
 * ```
 * <dir>/
 *   wharf-backup.json   format "postgres", time, schema version, what is not included
 *   wharf.pgdump        pg_dump's custom-format archive (pg_restore reads it)
 * ```
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { redactedDatabaseUrl } from "../metadata/portable-postgres-dialect.ts";
import { readPostgresSchemaStatus } from "../metadata/postgres-schema-status.ts";
import { BackupError, backupManifestName } from "./backup-layout.ts";

/** The archive's name in a PostgreSQL backup. */
export const postgresDumpName = "wharf.pgdump";

/** The content of `wharf-backup.json` in a PostgreSQL backup. */
export interface PostgresBackupManifest {
  readonly format: "postgres";
  readonly createdAt: string;
  readonly schemaVersion: number;
  /** The database dumped, its password redacted. */
  readonly database: string;
  readonly files: readonly string[];
  readonly notIncluded: string;
}

const versions = ["18", "17", "16", "15", "14", "13"];

/** Debian's newest pg_dump (it can dump older servers), else `pg_dump` on the PATH. */
function pgDumpBinary(): string {
  for (const version of versions) {
    const file = `/usr/lib/postgresql/${version}/bin/pg_dump`;
    if (existsSync(file)) return file;
  }
  return "pg_dump";
}

/** Runs pg_dump; rejects with its last stderr lines (never the password: it is not in the arguments). */
function runPgDump(url: string, file: string): Promise<void> {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = "";
  const env = { ...process.env, ...(password !== "" && { PGPASSWORD: password }) };
  const args = ["--format=custom", "--no-password", `--file=${file}`, `--dbname=${parsed.toString()}`];
  return new Promise((resolve, reject) => {
    const child = spawn(pgDumpBinary(), args, { env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    child.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new BackupError(
          error.code === "ENOENT"
            ? "pg_dump is not installed: install PostgreSQL's client tools (Debian: postgresql-client)"
            : `pg_dump did not start: ${error.message}`,
        ),
      ),
    );
    child.once("exit", (code, signal) => {
      if (code === 0) resolve();
      else
        reject(
          new BackupError(
            `pg_dump failed (${signal ?? `exit ${code}`}): ${stderr.trim().split("\n").slice(-3).join(" / ")}`,
          ),
        );
    });
  });
}

/** Dumps the database at `url` into the new (or empty) directory `dir`; returns the description written. */
export async function dumpPostgres(url: string, dir: string, notIncluded: string): Promise<PostgresBackupManifest> {
  if (existsSync(dir) && (await readdir(dir)).length > 0) {
    throw new BackupError(`${dir} is not empty: back up into a new or empty directory`);
  }
  const status = await readPostgresSchemaStatus(url);
  if (status.applied.length === 0) {
    throw new BackupError(`the database ${redactedDatabaseUrl(url)} has no Wharf schema: nothing to back up`);
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const file = join(dir, postgresDumpName);
  await runPgDump(url, file);
  await chmod(file, 0o600);
  const manifest: PostgresBackupManifest = {
    format: "postgres",
    createdAt: new Date().toISOString(),
    schemaVersion: status.current,
    database: redactedDatabaseUrl(url),
    files: [postgresDumpName],
    notIncluded,
  };
  await writeFile(join(dir, backupManifestName), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  return manifest;
}
