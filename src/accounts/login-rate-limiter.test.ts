import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Kysely } from "kysely";
import type { Database } from "../metadata/database-schema.ts";
import { createAccountsMetadata } from "../metadata/kysely-accounts-metadata.ts";
import { forEachMetadataBackend, type MetadataDatabase } from "../metadata/testing/metadata-backends.ts";
import { createLoginRateLimiter, defaultRateLimits } from "./login-rate-limiter.ts";

forEachMetadataBackend((backend) =>
  describe(`login rate limiter (${backend.name}, a driven clock)`, () => {
    let opened: MetadataDatabase;
    let db: Kysely<Database>;
    let now = Date.UTC(2026, 0, 1);
    const clock = { now: () => now };
    const limiter = () => createLoginRateLimiter(createAccountsMetadata(db), defaultRateLimits, clock);

    before(async () => {
      opened = await backend.create();
      db = opened.db;
    });
    after(() => opened.cleanup());

    test("concurrent reservations never pass the per-account-and-address limit", async () => {
      const results = await Promise.all(Array.from({ length: 60 }, () => limiter().reserve("alice", "10.0.0.1")));
      assert.equal(results.filter((r) => r.ok).length, defaultRateLimits.perAccountAddress);
      const refused = results.find((r) => !r.ok);
      assert.deepEqual(refused, { ok: false, retryAfterSeconds: 15 * 60 });
    });

    test("Retry-After counts down with the clock and the window ends exactly", async () => {
      now += 10 * 60 * 1000;
      assert.deepEqual(await limiter().reserve("alice", "10.0.0.1"), { ok: false, retryAfterSeconds: 5 * 60 });
      now += 5 * 60 * 1000 + 1;
      assert.equal((await limiter().reserve("alice", "10.0.0.1")).ok, true, "a new window");
    });

    test("a success takes its reservation back and clears the account's failures from that address", async () => {
      const l = limiter();
      for (let n = 0; n < 9; n++) assert.equal((await l.reserve("bob", "10.0.0.2")).ok, true);
      const last = await l.reserve("bob", "10.0.0.2");
      assert.ok(last.ok);
      await l.succeeded("bob", "10.0.0.2", last.reservation);
      assert.deepEqual(await l.check("bob", "10.0.0.2"), { retryAfterSeconds: undefined, accountHasFailures: false });
      for (let n = 0; n < 10; n++) assert.equal((await l.reserve("bob", "10.0.0.2")).ok, true, `attempt ${n + 1}`);
      assert.equal((await l.reserve("bob", "10.0.0.2")).ok, false);
    });

    test("the per-address limit covers every account", async () => {
      const l = limiter();
      const results = await Promise.all(Array.from({ length: 40 }, (_, n) => l.reserve(`user-${n % 8}`, "10.0.0.3")));
      assert.equal(results.filter((r) => r.ok).length, defaultRateLimits.perAddress);
    });

    test("the account-wide limit refuses only addresses that failed for the account", async () => {
      const l = limiter();
      for (let a = 0; a < 10; a++) {
        for (let n = 0; n < 10; n++) await l.reserve("carol", `10.1.0.${a}`);
      }
      assert.equal((await l.reserve("carol", "10.1.0.99")).ok, true, "a clean address is never locked out");
      const again = await l.reserve("carol", "10.1.0.99");
      assert.equal(again.ok, false, "an address that failed is refused once the account is at its limit");
    });
  }),
);
