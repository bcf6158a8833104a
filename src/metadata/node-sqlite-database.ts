/**
 * @module
 * Adapts Node's built-in `node:sqlite` (no native build) to the minimal
 * database shape Kysely's SQLite dialect drives. Prepared statements are
 * cached by SQL text: the registry's hot paths run a handful of fixed
 * queries, and preparing them again on every request would dominate.
 *
 * Durability (`synchronous: full`) without an fsync on the event loop:
 * `node:sqlite` is synchronous, so with SQLite's own `synchronous=FULL` every
 * commit blocked the whole process for the length of an fsync, one commit
 * after the other. Instead the connection runs `synchronous=NORMAL` (a
 * commit only writes the WAL; checkpoints still sync the WAL before and the
 * database after) and the driver, once a write is committed and the
 * connection released, awaits an fdatasync of the WAL file on the thread
 * pool ({@link NodeSqliteDatabase.durable}). Commits that land while one
 * sync runs share the next one (sync-barrier.ts). The WAL is appended in
 * commit order and fdatasync covers the whole file (header and size too), so
 * once it returns every commit before it survives power loss, as with FULL.
 */
import { close, closeSync, fdatasync, fsync, open } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { promisify } from "node:util";
import type { SqliteDatabase, SqliteStatement } from "kysely";
import { createSyncBarrier } from "./sync-barrier.ts";

/** Tunables for an embedded database file. */
export interface NodeSqliteOptions {
  /** `full`: a commit is answered once it is on disk; `normal` survives a process crash but not power loss. */
  readonly synchronous: "full" | "normal";
}

/** What the driver needs to make commits durable (transactional-sqlite-dialect.ts). */
export interface CommitDurability {
  /** True when a write was committed since the last call (and clears it). */
  takeCommitted(): boolean;
  /** Resolves once every commit made before the call is on disk. */
  sync(): Promise<void>;
  /** Closes what it holds open (after the database closed). */
  release(): void;
}

/** The database Kysely drives, plus commit durability when `synchronous` is `full`. */
export interface NodeSqliteDatabase extends SqliteDatabase {
  readonly durable: CommitDurability | undefined;
}

const maxCachedStatements = 500;
const openFile = promisify(open);
const closeFile = promisify(close);
const dataSync = promisify(fdatasync);
const fullSync = promisify(fsync);
const readOnlyStatement = /^\s*select\b/i;

/** Opens `file` in WAL mode and returns it in the shape Kysely's SqliteDialect expects. */
export function openNodeSqlite(file: string, options: NodeSqliteOptions): NodeSqliteDatabase {
  const db = new DatabaseSync(file);
  db.exec("PRAGMA journal_mode = WAL");
  // FULL durability comes from the driver's WAL sync after the commit (see the module comment).
  db.exec("PRAGMA synchronous = NORMAL");
  db.exec("PRAGMA busy_timeout = 10000");
  db.exec("PRAGMA foreign_keys = ON");
  const cache = new Map<string, SqliteStatement>();
  let committed = false;
  const durable =
    options.synchronous === "full"
      ? walDurability(
          file,
          () => committed,
          (v) => (committed = v),
        )
      : undefined;
  /** Called after a statement ran: outside a transaction, a write (or COMMIT) has now committed. */
  const wrote = durable ? () => (committed ||= !db.isTransaction) : () => false;
  return {
    durable,
    close: () => {
      db.close();
      durable?.release();
    },
    prepare(sql: string): SqliteStatement {
      let statement = cache.get(sql);
      if (!statement) {
        if (cache.size >= maxCachedStatements) cache.clear();
        statement = adaptStatement(db.prepare(sql), readOnlyStatement.test(sql) ? undefined : wrote);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

function adaptStatement(statement: StatementSync, wrote: (() => unknown) | undefined): SqliteStatement {
  const reader = statement.columns().length > 0;
  if (!wrote) {
    return {
      reader,
      all: (parameters) => statement.all(...(parameters as never[])),
      run: (parameters) => statement.run(...(parameters as never[])),
      iterate: (parameters) => statement.iterate(...(parameters as never[])),
    };
  }
  return {
    reader,
    all(parameters) {
      const rows = statement.all(...(parameters as never[]));
      wrote();
      return rows;
    },
    run(parameters) {
      const result = statement.run(...(parameters as never[]));
      wrote();
      return result;
    },
    iterate: (parameters) => statement.iterate(...(parameters as never[])),
  };
}

/**
 * fdatasync of `<file>-wal` (of the database file when there is no WAL),
 * shared by concurrent commits. The WAL's descriptor stays open: SQLite
 * resets the file in place and deletes it only when the last connection
 * closes, and this process holds one open for as long as it syncs.
 */
function walDurability(file: string, get: () => boolean, set: (value: boolean) => void): CommitDurability {
  let folderSynced = false;
  let wal: number | undefined;
  async function syncFile(path: string): Promise<boolean> {
    let fd: number;
    try {
      fd = await openFile(path, "r");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw error;
    }
    try {
      await dataSync(fd);
    } finally {
      await closeFile(fd);
    }
    return true;
  }
  async function syncWal(): Promise<boolean> {
    if (wal === undefined) {
      try {
        wal = await openFile(`${file}-wal`, "r");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
        throw error;
      }
    }
    const fd = wal;
    try {
      await dataSync(fd);
    } catch (error) {
      wal = undefined;
      await closeFile(fd).catch(() => undefined);
      throw error;
    }
    return true;
  }
  async function syncNow(): Promise<void> {
    if (!(await syncWal())) await syncFile(file);
    if (folderSynced) return;
    // The WAL file's own entry in its folder, once per process (SQLite creates it on first write).
    const fd = await openFile(dirname(file), "r");
    try {
      await fullSync(fd);
    } finally {
      await closeFile(fd);
    }
    folderSynced = true;
  }
  return {
    takeCommitted() {
      const value = get();
      set(false);
      return value;
    },
    sync: createSyncBarrier(syncNow),
    release() {
      if (wal !== undefined) closeSync(wal);
      wal = undefined;
    },
  };
}
