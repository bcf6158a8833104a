import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from "kysely";
import { queryTemplate } from "./query-template.ts";

interface Db {
  t: { a: number; b: string; c: string };
}

const db = new Kysely<Db>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

describe("query templates", () => {
  it("swap the marks for the values wherever they occur, and keep constants", () => {
    const template = queryTemplate(
      db.updateTable("t").set({ a: -1, c: "fixed" }).where("b", "=", "\u0000b").where("a", "<", -1).compile(),
      [-1, "\u0000b"],
    );
    const compiled = template(42, "x");
    assert.equal(compiled.sql, 'update "t" set "a" = $1, "c" = $2 where "b" = $3 and "a" < $4');
    assert.deepEqual(compiled.parameters, [42, "fixed", "x", 42]);
  });

  it("refuse a mark the query does not hold", () => {
    assert.throws(() => queryTemplate(db.selectFrom("t").selectAll().compile(), ["\u0000gone"]), /not found/);
  });
});
