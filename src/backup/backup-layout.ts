/**
 * @module
 * What a backup directory holds, shared by backup and restore:
 *
 * ```
 * <dir>/
 *   wharf-backup.json          format, time, schema version, counts, what is included
 *   wharf.db                   one consistent snapshot of the metadata database
 *   blobs/sha256/ab/ab12…      every blob the snapshot references (hard-linked or copied)
 *   token-signing-keys.json    the token signing keys, when the data directory has them
 *   master-key.json            only with --include-master-key
 * ```
 */

/** The description file's name. */
export const backupManifestName = "wharf-backup.json";
/** The database snapshot's name (also the database's name in a data directory). */
export const databaseName = "wharf.db";
/** Key files copied as they are; the master key only when asked. */
export const signingKeysName = "token-signing-keys.json";
export const masterKeyName = "master-key.json";

/** The content of `wharf-backup.json`. */
export interface BackupManifest {
  readonly format: 1;
  readonly createdAt: string;
  readonly schemaVersion: number;
  readonly blobs: number;
  readonly bytes: number;
  readonly files: readonly string[];
  readonly includesMasterKey: boolean;
}

const digestPattern = /^(sha256|sha512):([a-f0-9]{64}|[a-f0-9]{128})$/;

/** A blob's path below a `blobs/` folder, or undefined for a malformed digest. */
export function blobRelativePath(digest: string): string | undefined {
  const found = digestPattern.exec(digest);
  if (!found) return undefined;
  const [, algorithm, encoded] = found as unknown as [string, string, string];
  return `${algorithm}/${encoded.slice(0, 2)}/${encoded}`;
}

/** A backup or restore that cannot go on; the message says what to change. */
export class BackupError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "BackupError";
  }
}
