/**
 * @module
 * `wharf restore`: turns a backup directory into a new data directory. The
 * target must be new or empty (a restore never overwrites a live one). Every
 * blob is verified against its digest on the way in, so a damaged backup is
 * found now and not at a customer's pull. The database file keeps its
 * schema version; a newer Wharf migrates it at its first start.
 */
import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { chmod, copyFile, mkdir, readdir, readFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { pipeline } from "node:stream/promises";
import {
  BackupError,
  type BackupManifest,
  backupManifestName,
  blobRelativePath,
  databaseName,
} from "./backup-layout.ts";

async function digestOfFile(file: string, algorithm: string): Promise<string> {
  const hash = createHash(algorithm);
  await pipeline(createReadStream(file), hash);
  return hash.digest("hex");
}

async function readManifest(dir: string): Promise<BackupManifest> {
  try {
    const manifest = JSON.parse(await readFile(join(dir, backupManifestName), "utf8")) as BackupManifest;
    if (manifest.format !== 1) throw new Error(`unknown format ${String(manifest.format)}`);
    return manifest;
  } catch (error) {
    throw new BackupError(`${dir} is not a Wharf backup (${backupManifestName}: ${(error as Error).message})`, {
      cause: error,
    });
  }
}

/** Restores the backup in `source` into the new data directory `dataDir`; returns the backup's description. */
export async function restoreBackup(source: string, dataDir: string): Promise<BackupManifest> {
  const manifest = await readManifest(source);
  if (existsSync(dataDir) && (await readdir(dataDir)).length > 0) {
    throw new BackupError(`${dataDir} is not empty: restore into a new or empty directory`);
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const snapshot = new DatabaseSync(join(source, databaseName), { readOnly: true });
  let digests: string[];
  try {
    digests = snapshot
      .prepare("select digest from blobs")
      .all()
      .map((row) => String(row.digest));
  } finally {
    snapshot.close();
  }
  for (const digest of digests) {
    const path = blobRelativePath(digest);
    if (!path) throw new BackupError(`the backup's database lists a malformed blob digest ${JSON.stringify(digest)}`);
    const from = join(source, "blobs", path);
    const [algorithm, encoded] = digest.split(":") as [string, string];
    const actual = await digestOfFile(from, algorithm).catch((error: Error) => {
      throw new BackupError(`the backup misses blob ${digest} (${error.message})`, { cause: error });
    });
    if (actual !== encoded)
      throw new BackupError(`blob ${digest} in the backup is damaged (its content hashes to ${actual})`);
    const to = join(dataDir, "blobs", "blobs", path);
    await mkdir(dirname(to), { recursive: true, mode: 0o700 });
    await copyFile(from, to);
  }
  for (const name of manifest.files) {
    if (relative(source, join(source, name)).includes(sep) || name.startsWith(".")) {
      throw new BackupError(`the backup names an unexpected file ${JSON.stringify(name)}`);
    }
    await copyFile(join(source, name), join(dataDir, name));
    await chmod(join(dataDir, name), 0o600);
  }
  return manifest;
}
