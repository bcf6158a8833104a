/**
 * @module
 * A consistent copy of a live SQLite database file, taken with SQLite's
 * online backup API (`backup()` of `node:sqlite`) from a read-only
 * connection: it works while `wharf serve` writes in WAL mode, takes no
 * write lock, and copies every page in one step, so the copy is one
 * committed state of the database. The copy is one file (no `-wal`).
 */
import { backup, DatabaseSync } from "node:sqlite";

/** Copies `file` to `destination` (which must not exist) as of one moment. */
export async function snapshotSqlite(file: string, destination: string): Promise<void> {
  const source = new DatabaseSync(file, { readOnly: true });
  try {
    source.exec("PRAGMA busy_timeout = 10000");
    // A rate above any page count: every page in one step, inside one read
    // transaction, so a writer in another process cannot restart it.
    await backup(source, destination, { rate: 2 ** 31 - 1 });
  } finally {
    source.close();
  }
  // One self-contained file: fold the copy's write-ahead log into it.
  const copy = new DatabaseSync(destination);
  try {
    copy.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    copy.exec("PRAGMA journal_mode = DELETE");
  } finally {
    copy.close();
  }
}
