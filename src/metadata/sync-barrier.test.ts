import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { Kysely, sql } from "kysely";
import { openNodeSqlite } from "./node-sqlite-database.ts";
import { createSyncBarrier } from "./sync-barrier.ts";
import { TransactionalSqliteDialect, withoutCommitSync } from "./transactional-sqlite-dialect.ts";

/** A sync that finishes only when the test says so. */
function gatedSync() {
  const gates: PromiseWithResolvers<void>[] = [];
  return {
    started: () => gates.length,
    finish: (index: number) => gates[index]!.resolve(),
    fail: (index: number, error: Error) => gates[index]!.reject(error),
    syncNow: () => {
      const gate = Promise.withResolvers<void>();
      gates.push(gate);
      return gate.promise;
    },
  };
}

describe("sync barrier", () => {
  it("callers arriving during a sync share the next one, which starts after it", async () => {
    const gate = gatedSync();
    const barrier = createSyncBarrier(gate.syncNow);
    const first = barrier();
    const later = [barrier(), barrier(), barrier()];
    assert.equal(gate.started(), 1, "the later callers must not count on the running sync");
    gate.finish(0);
    await first;
    assert.equal(gate.started(), 2, "one more sync for all three");
    gate.finish(1);
    await Promise.all(later);
    assert.equal(gate.started(), 2);
  });

  it("a failed sync fails its callers only, and the next one runs", async () => {
    const gate = gatedSync();
    const barrier = createSyncBarrier(gate.syncNow);
    const first = barrier();
    const second = barrier();
    gate.fail(0, new Error("EIO"));
    await assert.rejects(first, /EIO/);
    gate.finish(1);
    await second;
  });
});

describe("durable SQLite commits", () => {
  it("a committed write leaves nothing to sync once it resolved; reads and relaxed writes do not wait", async () => {
    const dir = await mkdtemp(join(tmpdir(), "wharf-sync-"));
    const database = openNodeSqlite(join(dir, "t.db"), { synchronous: "full" });
    const db = new Kysely<{ t: { a: number } }>({ dialect: new TransactionalSqliteDialect({ database }) });
    try {
      await sql`create table t (a integer)`.execute(db);
      await db.insertInto("t").values({ a: 1 }).execute();
      await db.transaction().execute((trx) => trx.insertInto("t").values({ a: 2 }).execute());
      await withoutCommitSync(() => db.insertInto("t").values({ a: 3 }).execute());
      assert.equal(database.durable!.takeCommitted(), false, "the driver took every commit and synced it");
      const rows = await db.selectFrom("t").select("a").orderBy("a").execute();
      assert.deepEqual(
        rows.map((r) => r.a),
        [1, 2, 3],
      );
      assert.equal(database.durable!.takeCommitted(), false, "a read commits nothing");
    } finally {
      await db.destroy();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("synchronous normal has no durability step", () => {
    assert.equal(openNodeSqlite(":memory:", { synchronous: "normal" }).durable, undefined);
  });
});
