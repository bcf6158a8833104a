/**
 * @module
 * Kysely's SQLite dialect with DDL inside transactions. SQLite runs
 * `CREATE`/`ALTER`/`DROP` transactionally, but Kysely's SQLite adapter says
 * it does not, so its migrator would apply a migration statement by statement
 * and a failure half-way would leave a half-migrated schema. With this
 * dialect each migration and the row that records it commit together, or
 * not at all.
 */
import { type DialectAdapter, SqliteAdapter, SqliteDialect } from "kysely";

class TransactionalSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/** SqliteDialect whose migrations run one transaction each. */
export class TransactionalSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalSqliteAdapter();
  }
}
