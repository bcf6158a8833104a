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
 */
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

class TransactionalSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
}

/** SqliteDialect whose migrations run one transaction each and whose transactions take the write lock at BEGIN. */
export class TransactionalSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalSqliteAdapter();
  }
}
