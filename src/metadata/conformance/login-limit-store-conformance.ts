/**
 * @module
 * The conformance suite of {@link LoginLimitStore}: failures count per key
 * inside a window and restart after it, a reservation is atomic (of many
 * concurrent reservations under a limit exactly the limit pass), a release
 * never goes below zero, and clearing forgets a key. Time is passed in,
 * never read from the wall clock.
 */
import assert from "node:assert/strict";
import { describe } from "node:test";
import type { LoginLimitStore } from "../accounts-metadata.ts";
import { fixtureTest, type RoleFixtureFactory } from "./role-fixture.ts";

const minute = 60_000;

/** Registers the suite under `describe(name)`. */
export function runLoginLimitStoreConformance(name: string, create: RoleFixtureFactory<LoginLimitStore>): void {
  describe(`login limit store conformance: ${name}`, () => {
    const test = (title: string, body: (store: LoginLimitStore) => Promise<void>) =>
      fixtureTest(create, {}, title, (f) => body(f.store));

    test("counts failures per key within a window; an old window restarts", async (store) => {
      assert.equal(await store.failureWindow("a", 0), undefined);
      assert.equal(await store.countFailure("a", 1000, minute), 1);
      assert.equal(await store.countFailure("a", 2000, minute), 2);
      assert.equal(await store.countFailure("b", 2000, minute), 1);
      assert.deepEqual(await store.failureWindow("a", 1000), { failures: 2, startedAt: 1000 });
      assert.equal(await store.failureWindow("a", 1001), undefined, "a window that started earlier is over");
      assert.equal(await store.countFailure("a", 1000 + minute + 1, minute), 1);
      assert.deepEqual(await store.failureWindow("a", 0), { failures: 1, startedAt: 1000 + minute + 1 });
    });

    test("concurrent failures of one key are all counted", async (store) => {
      await Promise.all(Array.from({ length: 12 }, () => store.countFailure("a", 1000, minute)));
      assert.deepEqual(await store.failureWindow("a", 0), { failures: 12, startedAt: 1000 });
    });

    test("clearing forgets one key only", async (store) => {
      await store.countFailure("a", 1000, minute);
      await store.countFailure("b", 1000, minute);
      await store.clearFailures("a");
      await store.clearFailures("missing");
      assert.equal(await store.failureWindow("a", 0), undefined);
      assert.equal((await store.failureWindow("b", 0))?.failures, 1);
    });

    test("a reservation counts under every key unless refused, and passes windows in key order", async (store) => {
      await store.countFailure("b", 500, minute);
      let seen: unknown;
      const passed = await store.reserveAttempt(["a", "b"], 1000, minute, (windows) => {
        seen = windows;
        return undefined;
      });
      assert.equal(passed, undefined);
      assert.deepEqual(seen, [undefined, { failures: 1, startedAt: 500 }]);
      assert.deepEqual(await store.failureWindow("a", 0), { failures: 1, startedAt: 1000 });
      assert.deepEqual(await store.failureWindow("b", 0), { failures: 2, startedAt: 500 });
      assert.equal(await store.reserveAttempt(["a", "b"], 1000, minute, () => "refused"), "refused");
      assert.equal((await store.failureWindow("b", 0))?.failures, 2, "a refusal counts nothing");
      await store.reserveAttempt(["b"], 500 + minute + 1, minute, (windows) => {
        assert.deepEqual(windows, [undefined], "an expired window reads as undefined");
        return undefined;
      });
      assert.deepEqual(await store.failureWindow("b", 0), { failures: 1, startedAt: 500 + minute + 1 });
    });

    test("of concurrent reservations under a limit exactly the limit pass", async (store) => {
      const limit = 5;
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          store.reserveAttempt(["acct", "addr"], 1000, minute, ([w]) =>
            (w?.failures ?? 0) >= limit ? "refused" : undefined,
          ),
        ),
      );
      assert.equal(results.filter((r) => r === undefined).length, limit);
      assert.equal((await store.failureWindow("addr", 0))?.failures, limit);
    });

    test("a release takes back one attempt per key, never below zero", async (store) => {
      await store.reserveAttempt(["a", "b"], 1000, minute, () => undefined);
      await store.reserveAttempt(["a"], 1000, minute, () => undefined);
      await store.releaseAttempt(["a", "b", "missing"]);
      await store.releaseAttempt(["b"]);
      await store.releaseAttempt([]);
      assert.deepEqual(await store.failureWindow("a", 0), { failures: 1, startedAt: 1000 });
      assert.deepEqual(await store.failureWindow("b", 0), { failures: 0, startedAt: 1000 });
      assert.equal(await store.failureWindow("missing", 0), undefined);
    });
  });
}
