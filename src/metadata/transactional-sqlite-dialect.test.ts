import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
