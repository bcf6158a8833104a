/**
 * @module
 * The conformance suite of the webhook stores (endpoints, deliveries,
 * attempts, cursors). Every database implementation joins it from its own
 * test file with a factory for a fresh store and two organizations.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { DeliveryStore, WebhookFields, WebhookStore } from "./webhooks-metadata.ts";

/** A fresh store, the ids of two organizations, and how to dispose of it. */
export interface WebhookStoreFixture {
  readonly store: WebhookStore & DeliveryStore;
  readonly orgIds: readonly [number, number];
  readonly cleanup: () => Promise<void>;
}

const hook: WebhookFields = {
  url: "https://ci.example.com/hook",
  events: ["push", "gc"],
  repositories: "*",
  createdBy: "owner",
};
const seal = (id: number) => ({ ciphertext: `sealed-${id}`, keyVersion: 1 });
const t0 = 1_700_000_000_000;

/** Registers the suite under `describe(name)`. */
export function runWebhookStoreConformance(name: string, create: () => Promise<WebhookStoreFixture>): void {
  describe(`webhook store conformance: ${name}`, async () => {
    const { store, orgIds, cleanup } = await create();
    const [acme, other] = orgIds;
    after(cleanup);

    it("stores an endpoint with the ciphertext sealed for its id; lists per organization and per event", async () => {
      const row = await store.createWebhook(acme, hook, seal, t0);
      assert.deepEqual(
        [
          row.orgId,
          row.url,
          row.events,
          row.repositories,
          row.createdBy,
          row.ciphertext,
          row.keyVersion,
          row.createdAt,
        ],
        [acme, hook.url, ["push", "gc"], "*", "owner", `sealed-${row.id}`, 1, t0],
      );
      assert.deepEqual(await store.findWebhook(row.id), row);
      const second = await store.createWebhook(other, { ...hook, events: ["license"] }, seal, t0);
      assert.deepEqual(
        (await store.listWebhooks(acme)).map((w) => w.id),
        [row.id],
      );
      assert.deepEqual(
        (await store.webhooksFor("license")).map((w) => w.id),
        [second.id],
      );
      assert.equal(await store.findWebhook(999_999), undefined);
    });

    it("finds secrets under another key version and replaces a ciphertext only if unchanged", async () => {
      const [row] = await store.listWebhooks(acme);
      assert.deepEqual(
        (await store.staleWebhooks(2, 0, 10)).map((w) => w.id),
        [row!.id, ...(await store.webhooksFor("license")).map((w) => w.id)],
      );
      assert.deepEqual(await store.staleWebhooks(2, row!.id, 1), await store.webhooksFor("license"));
      assert.equal(await store.replaceWebhookCiphertext(row!.id, "not it", { ciphertext: "x", keyVersion: 2 }), false);
      assert.equal(
        await store.replaceWebhookCiphertext(row!.id, row!.ciphertext, { ciphertext: "v2", keyVersion: 2 }),
        true,
      );
      const after = (await store.findWebhook(row!.id))!;
      assert.deepEqual([after.ciphertext, after.keyVersion], ["v2", 2]);
      assert.ok(!(await store.staleWebhooks(2, 0, 10)).some((w) => w.id === row!.id));
    });

    it("stores nothing when sealing fails", async () => {
      const broken = () => {
        throw new Error("no key");
      };
      await assert.rejects(store.createWebhook(acme, { ...hook, url: "https://x.test/" }, broken, t0), /no key/);
      assert.equal((await store.listWebhooks(acme)).length, 1);
    });

    it("claims a due delivery once, records attempts, reschedules and ends it", async () => {
      const [row] = await store.listWebhooks(acme);
      await store.enqueueDelivery({ id: "d-1", webhookId: row!.id, url: row!.url, event: "push", body: "{}", at: t0 });
      await store.enqueueDelivery({
        id: "d-2",
        webhookId: null,
        url: "https://c/",
        event: "gc",
        body: "{}",
        at: t0 + 50,
      });
      assert.deepEqual(await store.dueDeliveries(t0, 10), ["d-1"]);
      assert.deepEqual(await store.dueDeliveries(t0 + 50, 10), ["d-1", "d-2"]);
      const claimed = await store.claimDelivery("d-1", t0, t0 + 1000);
      assert.equal(claimed?.state, "pending");
      assert.equal(await store.claimDelivery("d-1", t0 + 10, t0 + 2000), undefined, "held by the first claim");
      await store.recordAttempt(
        "d-1",
        { attempt: 1, at: t0, statusCode: 500, durationMs: 12, error: "answered 500" },
        "pending",
        t0 + 100,
      );
      assert.deepEqual(await store.dueDeliveries(t0 + 99, 10), ["d-2"]);
      assert.ok(await store.claimDelivery("d-1", t0 + 100, t0 + 1000), "the claim was released");
      await store.recordAttempt(
        "d-1",
        { attempt: 2, at: t0 + 100, statusCode: 204, durationMs: 3, error: null },
        "delivered",
        null,
      );
      const done = (await store.findDelivery("d-1"))!;
      assert.deepEqual(
        [done.state, done.attempts, done.nextAttemptAt, done.lastStatus, done.lastError, done.lastDurationMs],
        ["delivered", 2, null, 204, null, 3],
      );
      assert.equal(await store.claimDelivery("d-1", t0 + 200, t0 + 1000), undefined, "not pending any more");
      assert.deepEqual(
        (await store.listAttempts("d-1")).map((a) => [a.attempt, a.statusCode, a.error]),
        [
          [1, 500, "answered 500"],
          [2, 204, null],
        ],
      );
      await store.enqueueDelivery({
        id: "d-3",
        webhookId: row!.id,
        url: row!.url,
        event: "push",
        body: "{}",
        redeliveryOf: "d-1",
        at: t0 + 300,
      });
      assert.deepEqual(
        (await store.listDeliveries(row!.id, 10)).map((d) => [d.id, d.redeliveryOf]),
        [
          ["d-3", "d-1"],
          ["d-1", null],
        ],
      );
      await store.enqueueDelivery({
        id: "d-4",
        webhookId: null,
        url: "https://c2/",
        event: "gc",
        body: "{}",
        at: t0 + 60,
      });
      assert.deepEqual(
        (await store.listDeliveries(null, 10)).map((d) => [d.id, d.webhookId, d.url]),
        [
          ["d-4", null, "https://c2/"],
          ["d-2", null, "https://c/"],
        ],
        "null lists the deliveries to the configuration file's endpoints, newest first",
      );
      assert.deepEqual(
        (await store.listDeliveries(null, 1)).map((d) => d.id),
        ["d-4"],
      );
    });

    it("prunes only finished deliveries older than the cut", async () => {
      const [row] = await store.listWebhooks(acme);
      await store.enqueueDelivery({ id: "p-1", webhookId: row!.id, url: row!.url, event: "gc", body: "{}", at: t0 });
      assert.equal(await store.pruneDeliveries(t0 + 100, 10), 0, "d-1 finished at t0 + 100: not before the cut");
      assert.equal(await store.pruneDeliveries(t0 + 101, 10), 1);
      assert.equal(await store.pruneDeliveries(t0 + 1_000_000, 10), 0, "pending deliveries stay");
      assert.equal(await store.findDelivery("d-1"), undefined);
      assert.deepEqual(await store.listAttempts("d-1"), []);
      assert.ok(await store.findDelivery("p-1"));
      assert.ok(await store.findDelivery("d-3"));
    });

    it("moves a cursor only from the value expected", async () => {
      assert.equal(await store.readCursor("watch"), undefined);
      assert.equal(await store.moveCursor("watch", undefined, 5), true);
      assert.equal(await store.moveCursor("watch", undefined, 6), false);
      assert.equal(await store.moveCursor("watch", 4, 6), false);
      assert.equal(await store.moveCursor("watch", 5, 6), true);
      assert.equal(await store.readCursor("watch"), 6);
    });

    it("removing an endpoint removes its deliveries and attempts", async () => {
      const [row] = await store.listWebhooks(acme);
      assert.equal(await store.deleteWebhook(row!.id), true);
      assert.equal(await store.deleteWebhook(row!.id), false);
      assert.equal(await store.findDelivery("d-3"), undefined);
      assert.equal(await store.findDelivery("p-1"), undefined);
      assert.ok(await store.findDelivery("d-2"), "a configuration endpoint's delivery stays");
    });
  });
}
