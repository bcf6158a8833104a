/**
 * @module
 * Kysely's SQLite dialect with DDL inside transactions. SQLite runs
 * `CREATE`/`ALTER`/`DROP` transactionally, but Kysely's SQLite adapter says
 * it does not, so its migrator would apply a migration statement by statement
 * and a failure half-way would leave a half-migrated schema. With this
 * dialect each migration and the row that records it commit together, or
 * not at all.
 *
 * Transactions begin `IMMEDIATE`: with several processes on one database
 * (`server.workers`), a transaction that began as a reader and then writes
 * fails at once with SQLITE_BUSY when another process committed meanwhile
 * (the busy timeout does not apply to that upgrade); taking the write lock
 * at `BEGIN` makes it wait its turn under the busy timeout instead.
 *
 * With a database opened for durable commits (node-sqlite-database.ts), a
 * query or transaction that committed a write resolves only after the WAL
 * sync that covers it — awaited after the connection is released, so other
 * requests commit meanwhile and share that sync. Work that needs no
 * durability of its own (a reservation that a later, durable commit
 * completes) runs in {@link withoutCommitSync}.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import {
  CompiledQuery,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  SqliteAdapter,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from "kysely";
import type { CommitDurability, NodeSqliteDatabase } from "./node-sqlite-database.ts";

const relaxed = new AsyncLocalStorage<true>();

/**
 * Runs `work` with commits that do not wait for their own sync: for writes
 * whose durability a later commit of the same request provides (the WAL is
 * synced in order, so that commit's sync covers them too).
 */
export function withoutCommitSync<T>(work: () => Promise<T>): Promise<T> {
  return relaxed.run(true, work);
}

class TransactionalSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  readonly #durable: CommitDurability | undefined;

  constructor(config: SqliteDialectConfig, durable: CommitDurability | undefined) {
    super(config);
    this.#durable = durable;
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }

  override async releaseConnection(): Promise<void> {
    const committed = this.#durable?.takeCommitted() ?? false;
    await super.releaseConnection();
    if (committed && relaxed.getStore() === undefined) await this.#durable!.sync();
  }
}

/** The dialect's settings: Kysely's, and how to make commits durable (default: the opened database's own). */
export interface TransactionalSqliteConfig extends SqliteDialectConfig {
  readonly durable?: CommitDurability | undefined;
}

/** SqliteDialect whose migrations run one transaction each and whose transactions take the write lock at BEGIN. */
export class TransactionalSqliteDialect extends SqliteDialect {
  readonly #config: TransactionalSqliteConfig;

  constructor(config: TransactionalSqliteConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    const { database } = this.#config;
    const opened = typeof database === "function" ? undefined : (database as Partial<NodeSqliteDatabase>).durable;
    return new ImmediateSqliteDriver(this.#config, this.#config.durable ?? opened);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalSqliteAdapter();
  }
}
