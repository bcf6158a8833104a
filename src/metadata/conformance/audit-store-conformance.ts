/**
 * @module
 * The conformance suite of {@link AuditStore}: a batch is appended whole
 * (also past the 100-row chunk), events list newest first, filtered by
 * time, actor, action, target and target prefix, bounded by the limit and
 * paged by id, with their detail as written; concurrent batches lose nothing.
 */
import assert from "node:assert/strict";
import { describe } from "node:test";
import type { AuditEvent, AuditFilter, AuditStore } from "../accounts-metadata.ts";
import { fixtureTest, type RoleFixtureFactory } from "./role-fixture.ts";

const event = (n: number, actor = "alice"): { event: AuditEvent; at: number } => ({
  event: { actor, action: "user.create", target: `user-${n}` },
  at: 1000 + n,
});

/** Registers the suite under `describe(name)`. */
export function runAuditStoreConformance(name: string, create: RoleFixtureFactory<AuditStore>): void {
  describe(`audit store conformance: ${name}`, () => {
    const test = (title: string, body: (store: AuditStore) => Promise<void>) =>
      fixtureTest(create, {}, title, (f) => body(f.store));

    test("round-trips every field; no detail reads as undefined", async (store) => {
      assert.deepEqual(await store.listAudit({ since: 0 }, 10), []);
      await store.appendAudit([
        { event: { actor: "alice", action: "org.create", target: "acme", detail: { owner: "alice", n: [1] } }, at: 5 },
        { event: { actor: "bob", action: "token.create", target: "bob/ci", remote: "10.0.0.1" }, at: 6 },
      ]);
      await store.appendAudit([]);
      const [newest, oldest] = await store.listAudit({ since: 0 }, 10);
      assert.ok(newest!.id > oldest!.id);
      assert.deepEqual(
        { ...oldest, id: 0 },
        {
          id: 0,
          at: 5,
          actor: "alice",
          action: "org.create",
          target: "acme",
          detail: { owner: "alice", n: [1] },
          remote: null,
        },
      );
      assert.deepEqual([newest!.detail, newest!.remote, newest!.at], [undefined, "10.0.0.1", 6]);
    });

    test("lists newest first from a time on, by actor, at most the limit", async (store) => {
      await store.appendAudit([event(1), event(2, "bob"), event(3), event(4, "bob"), event(5)]);
      const targets = (rows: { target: string }[]) => rows.map((r) => r.target);
      assert.deepEqual(targets(await store.listAudit({ since: 0 }, 10)), [
        "user-5",
        "user-4",
        "user-3",
        "user-2",
        "user-1",
      ]);
      assert.deepEqual(targets(await store.listAudit({ since: 1003 }, 10)), ["user-5", "user-4", "user-3"]);
      assert.deepEqual(targets(await store.listAudit({ since: 0 }, 2)), ["user-5", "user-4"]);
      assert.deepEqual(targets(await store.listAudit({ since: 0, actor: "bob" }, 10)), ["user-4", "user-2"]);
      assert.deepEqual(targets(await store.listAudit({ since: 0, actor: "bob" }, 1)), ["user-4"]);
      assert.deepEqual(await store.listAudit({ since: 0, actor: "nobody" }, 10), []);
      assert.deepEqual(await store.listAudit({ since: 2000 }, 10), []);
    });

    test("filters by action, exact target and target prefix, all filters together", async (store) => {
      const at = 10;
      await store.appendAudit(
        [
          { actor: "alice", action: "repository.grant", target: "repository:acme/app" },
          { actor: "bob", action: "repository.grant", target: "repository:acme/app-2" },
          { actor: "alice", action: "repository.visibility", target: "repository:acme/app" },
          { actor: "alice", action: "robot.create", target: "robot:acme+ci" },
          { actor: "alice", action: "repository.grant", target: "repository:beta/app" },
          { actor: "alice", action: "user.create", target: "user:a_b%c" },
          { actor: "alice", action: "user.create", target: "user:aXbYc" },
          { actor: "alice", action: "user.create", target: "user:Ünïcode✓-😀" },
        ].map((event, n) => ({ event, at: at + n })),
      );
      const shown = async (filter: Omit<AuditFilter, "since">) =>
        (await store.listAudit({ since: 0, ...filter }, 100)).map((r) => `${r.action} ${r.target}`);
      assert.deepEqual(await shown({ action: "repository.grant" }), [
        "repository.grant repository:beta/app",
        "repository.grant repository:acme/app-2",
        "repository.grant repository:acme/app",
      ]);
      assert.deepEqual(await shown({ target: "repository:acme/app" }), [
        "repository.visibility repository:acme/app",
        "repository.grant repository:acme/app",
      ]);
      assert.deepEqual(await shown({ targetPrefix: "repository:acme/" }), [
        "repository.visibility repository:acme/app",
        "repository.grant repository:acme/app-2",
        "repository.grant repository:acme/app",
      ]);
      assert.deepEqual(await shown({ targetPrefix: "repository:acme/", action: "repository.grant", actor: "bob" }), [
        "repository.grant repository:acme/app-2",
      ]);
      assert.deepEqual(await shown({ targetPrefix: "REPOSITORY:" }), [], "case-sensitive");
      assert.deepEqual(await shown({ targetPrefix: "user:a_b%" }), ["user.create user:a_b%c"], "no wildcards");
      assert.deepEqual(await shown({ targetPrefix: "user:Ünïcode✓-😀" }), ["user.create user:Ünïcode✓-😀"]);
      assert.deepEqual(await shown({ targetPrefix: "" }), await shown({}));
      assert.deepEqual(await shown({ action: "repository" }), [], "the action is matched whole");
      assert.deepEqual(await shown({ target: "repository:acme" }), [], "the target is matched whole");
    });

    test("pages by id: each page starts below the last id of the one before, unshifted by new events", async (store) => {
      await store.appendAudit([event(1), event(2, "bob"), event(3), event(4), event(5, "bob"), event(6)]);
      const first = await store.listAudit({ since: 0, actor: "alice" }, 2);
      assert.deepEqual(
        first.map((r) => r.target),
        ["user-6", "user-4"],
      );
      await store.appendAudit([event(7)]);
      const second = await store.listAudit({ since: 0, actor: "alice", beforeId: first.at(-1)!.id }, 2);
      assert.deepEqual(
        second.map((r) => r.target),
        ["user-3", "user-1"],
      );
      assert.deepEqual(await store.listAudit({ since: 0, actor: "alice", beforeId: second.at(-1)!.id }, 2), []);
    });

    test("appends a batch larger than one chunk whole, in order", async (store) => {
      await store.appendAudit(Array.from({ length: 250 }, (_, n) => event(n)));
      const rows = await store.listAudit({ since: 0 }, 1000);
      assert.equal(rows.length, 250);
      assert.deepEqual(
        rows.map((r) => r.target),
        Array.from({ length: 250 }, (_, n) => `user-${249 - n}`),
      );
      assert.equal((await store.listAudit({ since: 0 }, 100)).at(-1)?.target, "user-150");
    });

    test("concurrent batches lose nothing and keep each id unique", async (store) => {
      await Promise.all(
        Array.from({ length: 5 }, (_, b) =>
          store.appendAudit(Array.from({ length: 20 }, (_, n) => event(n, `actor-${b}`))),
        ),
      );
      const rows = await store.listAudit({ since: 0 }, 1000);
      assert.equal(rows.length, 100);
      assert.equal(new Set(rows.map((r) => r.id)).size, 100);
      assert.equal((await store.listAudit({ since: 0, actor: "actor-3" }, 1000)).length, 20);
    });
  });
}
