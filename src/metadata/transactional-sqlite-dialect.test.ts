import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { test } from "node:test";
import { Kysely, type Migration, Migrator, sql } from "kysely";
import { openNodeSqlite } from "./node-sqlite-database.ts";
import { TransactionalSqliteDialect } from "./transactional-sqlite-dialect.ts";

test("a migration that fails half-way leaves neither its tables nor its record", async () => {
  const dir = await mkdtemp(join(tmpdir(), "wharf-ddl-"));
  const db = new Kysely<unknown>({
    dialect: new TransactionalSqliteDialect({
      database: openNodeSqlite(join(dir, "t.db"), { synchronous: "normal" }),
    }),
  });
  try {
    const good: Migration = { up: (d) => d.schema.createTable("kept").addColumn("a", "integer").execute() };
    const bad: Migration = {
      async up(d) {
        await d.schema.createTable("half").addColumn("a", "integer").execute();
        throw new Error("boom");
      },
    };
    const migrator = new Migrator({
      db,
      provider: { getMigrations: async () => ({ "0001_good": good, "0002_bad": bad }) },
    });
    assert.equal((await migrator.migrateUp()).error, undefined);
    const failed = await migrator.migrateUp();
    assert.match(String(failed.error), /boom/);
    const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db);
    const names = tables.rows.map((row) => row.name);
    assert.ok(names.includes("kept"));
    assert.equal(names.includes("half"), false, names.join(", "));
    const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
    assert.deepEqual(
      applied.rows.map((row) => row.name),
      ["0001_good"],
    );
  } finally {
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  }
});

test("a transaction holds the write lock from BEGIN, so another process's commit cannot make its later write fail", async () => {
  const dir = await mkdtemp(join(tmpdir(), "wharf-immediate-"));
  const file = join(dir, "t.db");
  const db = new Kysely<{ t: { a: number } }>({
    dialect: new TransactionalSqliteDialect({ database: openNodeSqlite(file, { synchronous: "normal" }) }),
  });
  // Another process's connection, without a busy timeout so a held lock shows at once.
  const other = new DatabaseSync(file);
  try {
    await sql`create table t (a integer)`.execute(db);
    await db.transaction().execute(async (trx) => {
      await trx.selectFrom("t").selectAll().execute();
      assert.throws(() => other.exec("insert into t values (2)"), /locked|busy/i);
      await trx.insertInto("t").values({ a: 1 }).execute();
    });
    other.exec("insert into t values (3)");
    const rows = await db.selectFrom("t").select("a").orderBy("a").execute();
    assert.deepEqual(
      rows.map((row) => row.a),
      [1, 3],
    );
  } finally {
    other.close();
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  }
});
