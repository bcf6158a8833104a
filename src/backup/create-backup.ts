/**
 * @module
 * `wharf backup`: an online backup of an embedded (SQLite + filesystem)
 * data directory, taken by a separate process while `wharf serve` runs. It
 * only reads the data directory: the database through SQLite's backup API
 * on a read-only connection (one consistent snapshot, no write lock), then
 * every blob that snapshot references. Blobs are content-addressed and
 * never change once written, so a hard link is as good as a copy (it falls
 * back to copying across file systems), and a blob that the snapshot lists
 * already exists on disk (the server writes a blob before its row). Blobs
 * written after the snapshot are not part of the backup, and need not be.
 */

import { constants, existsSync } from "node:fs";
import { chmod, copyFile, link, mkdir, readdir, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { appliedMigrations, schemaStatusOf } from "../metadata/schema-version.ts";
import { snapshotSqlite } from "../metadata/sqlite-snapshot.ts";
import {
  BackupError,
  type BackupManifest,
  backupManifestName,
  blobRelativePath,
  databaseName,
  masterKeyName,
  signingKeysName,
} from "./backup-layout.ts";

/** Where the data lives and what to include. */
export interface BackupSource {
  /** The data directory (key files). */
  readonly dataDir: string;
  /** The SQLite database file. */
  readonly databaseFile: string;
  /** The filesystem storage root (the folder holding `blobs/`). */
  readonly blobRoot: string;
  readonly includeMasterKey: boolean;
  readonly now?: () => number;
}

async function linkOrCopy(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true, mode: 0o700 });
  try {
    await link(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EXDEV" && code !== "EPERM" && code !== "EMLINK") throw error;
    await copyFile(from, to, constants.COPYFILE_EXCL);
  }
}

async function ensureEmpty(dir: string): Promise<void> {
  if (existsSync(dir) && (await readdir(dir)).length > 0) {
    throw new BackupError(`${dir} is not empty: back up into a new or empty directory`);
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
}

/** Writes a backup of `source` into `target` (new or empty); returns its description. */
export async function createBackup(source: BackupSource, target: string): Promise<BackupManifest> {
  if (!existsSync(source.databaseFile)) {
    throw new BackupError(`no database at ${source.databaseFile}: is --data the data directory of a Wharf?`);
  }
  await ensureEmpty(target);
  const started = (source.now ?? Date.now)();
  const snapshot = join(target, databaseName);
  await snapshotSqlite(source.databaseFile, snapshot);
  await chmod(snapshot, 0o600);
  const copy = new DatabaseSync(snapshot, { readOnly: true });
  let digests: string[];
  let schemaVersion: number;
  try {
    schemaVersion = schemaStatusOf(appliedMigrations(copy)).current;
    digests = copy
      .prepare("select digest from blobs order by digest")
      .all()
      .map((row) => String(row.digest));
  } finally {
    copy.close();
  }
  let bytes = 0;
  for (const digest of digests) {
    const relative = blobRelativePath(digest);
    if (!relative) throw new BackupError(`the database lists a malformed blob digest ${JSON.stringify(digest)}`);
    const from = join(source.blobRoot, "blobs", relative);
    try {
      bytes += (await stat(from)).size;
    } catch (error) {
      throw new BackupError(`blob ${digest} is in the database but missing from ${from}`, { cause: error });
    }
    await linkOrCopy(from, join(target, "blobs", relative));
  }
  const files = [databaseName];
  const keys = source.includeMasterKey ? [signingKeysName, masterKeyName] : [signingKeysName];
  for (const name of keys) {
    const from = join(source.dataDir, name);
    if (!existsSync(from)) continue;
    await copyFile(from, join(target, name), constants.COPYFILE_EXCL);
    await chmod(join(target, name), 0o600);
    files.push(name);
  }
  const manifest: BackupManifest = {
    format: 1,
    createdAt: new Date(started).toISOString(),
    schemaVersion,
    blobs: digests.length,
    bytes,
    files,
    includesMasterKey: files.includes(masterKeyName),
  };
  await writeFile(join(target, backupManifestName), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  return manifest;
}
