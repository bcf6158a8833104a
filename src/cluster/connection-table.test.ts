import assert from "node:assert/strict";
import { test } from "node:test";
import { createConnectionTable } from "./connection-table.ts";

test("the caps count every worker's connections; a worker that dies frees its own", () => {
  const table = createConnectionTable({ maxConnections: 3, maxConnectionsPerAddress: 2 });
  assert.equal(table.admit(1, "a"), undefined);
  assert.equal(table.admit(2, "a"), undefined);
  assert.equal(table.admit(1, "a"), "maxConnectionsPerAddress");
  assert.equal(table.admit(2, "b"), undefined);
  assert.equal(table.admit(1, "c"), "maxConnections");
  table.release(2, "a");
  assert.equal(table.admit(1, "a"), undefined);
  table.release(3, "a"); // never admitted there: ignored
  assert.equal(table.total(), 3);
  table.forget(1);
  assert.equal(table.total(), 1);
  assert.equal(table.admit(2, "a"), undefined);
  assert.equal(table.admit(2, "a"), undefined);
});
