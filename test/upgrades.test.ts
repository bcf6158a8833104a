/**
 * @module
 * Upgrades of the embedded database as an operator meets them: a database
 * one migration behind is copied to `<data>/backups/` and then migrated when
 * `wharf serve` starts (and not copied when turned off); a database written
 * by a newer Wharf is refused with both version numbers; `wharf migrate
 * --status` reports where a data directory stands. An older schema is made
 * here by undoing the newest migration with its own `down`.
 */
import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { describe, test } from "node:test";
import { Kysely } from "kysely";
import { migrations } from "../src/metadata/migrations.ts";
import { openNodeSqlite } from "../src/metadata/node-sqlite-database.ts";
import { appliedMigrations, versionOf } from "../src/metadata/schema-version.ts";
import { TransactionalSqliteDialect } from "../src/metadata/transactional-sqlite-dialect.ts";
import { runCommand } from "./support/run-command.ts";
import { removeDataDir, repoRoot, startWharf } from "./support/start-wharf.ts";
import { describeRun } from "./support/wharf-cli.ts";

const names = Object.keys(migrations).sort();
const newest = names[names.length - 1]!;
const latest = versionOf(newest);
/** The version before the newest migration (numbers may skip: each feature has its own). */
const previous = versionOf(names[names.length - 2]!);

function wharf(args: string[], env: Record<string, string> = {}) {
  return runCommand(join(repoRoot, "bin", "wharf"), args, { env: { WHARF_AUTH__ENABLED: "false", ...env } });
}

/** A data directory at the latest schema, made by a real start. */
async function freshDataDir(): Promise<string> {
  const server = await startWharf();
  await server.stop();
  return server.dataDir;
}

/** Undoes the newest migration, leaving the schema one version behind. */
async function rollBackNewest(dataDir: string): Promise<void> {
  const db = new Kysely<unknown>({
    dialect: new TransactionalSqliteDialect({
      database: openNodeSqlite(join(dataDir, "wharf.db"), { synchronous: "full" }),
    }),
  });
  await migrations[newest]!.down!(db);
  await db
    .deleteFrom("kysely_migration" as never)
    .where("name" as never, "=", newest as never)
    .execute();
  await db.destroy();
}

function appliedIn(file: string): string[] {
  const database = new DatabaseSync(file, { readOnly: true });
  try {
    return appliedMigrations(database);
  } finally {
    database.close();
  }
}

describe("schema upgrades", () => {
  test("migrate --status reports the version; a start backs up, then migrates an older schema", async () => {
    const dataDir = await freshDataDir();
    try {
      let status = await wharf(["migrate", "--status", "--data", dataDir]);
      assert.equal(status.code, 0, describeRun(["migrate"], status));
      assert.match(status.stdout, new RegExp(`schema version: ${latest} \\(this wharf knows up to ${latest}\\)`));
      assert.match(status.stdout, /up to date/);

      await rollBackNewest(dataDir);
      status = await wharf(["migrate", "--status", "--data", dataDir]);
      assert.match(status.stdout, new RegExp(`schema version: ${previous} `));
      assert.match(status.stdout, new RegExp(`pending \\(applied at the next start\\): ${newest}`));

      const server = await startWharf({ dataDir });
      await server.stop();
      const backups = await readdir(join(dataDir, "backups"));
      assert.equal(backups.length, 1, backups.join(", "));
      assert.match(backups[0]!, new RegExp(`^wharf-v${previous}-before-v${latest}-.*\\.db$`));
      assert.deepEqual(appliedIn(join(dataDir, "backups", backups[0]!)), names.slice(0, -1));
      assert.deepEqual(appliedIn(join(dataDir, "wharf.db")), names);
      assert.match(server.output(), /backed up the database before migrating/);
    } finally {
      await removeDataDir(dataDir);
    }
  });

  test("database.sqlite.backupBeforeMigrate: false skips the copy; an up-to-date start never copies", async () => {
    const dataDir = await freshDataDir();
    try {
      await rollBackNewest(dataDir);
      const server = await startWharf({ dataDir, env: { WHARF_DATABASE__SQLITE__BACKUP_BEFORE_MIGRATE: "false" } });
      await server.stop();
      const again = await startWharf({ dataDir });
      await again.stop();
      assert.deepEqual(await readdir(dataDir).then((entries) => entries.filter((e) => e === "backups")), []);
      assert.deepEqual(appliedIn(join(dataDir, "wharf.db")), names);
    } finally {
      await removeDataDir(dataDir);
    }
  });

  test("a schema newer than this wharf refuses to start and names both versions", async () => {
    const dataDir = await freshDataDir();
    try {
      const database = new DatabaseSync(join(dataDir, "wharf.db"));
      database.prepare("insert into kysely_migration (name, timestamp) values (?, ?)").run("0999_from_the_future", "x");
      database.close();
      const run = await wharf(["serve", "--listen", "127.0.0.1:0", "--data", dataDir]);
      assert.equal(run.code, 2, describeRun(["serve"], run));
      assert.match(run.stderr, new RegExp(`schema is at version 999 but this wharf knows versions up to ${latest}`));
      const status = await wharf(["migrate", "--status", "--data", dataDir]);
      assert.match(status.stdout, /newer than this wharf: 0999_from_the_future/);
    } finally {
      await removeDataDir(dataDir);
    }
  });
});
