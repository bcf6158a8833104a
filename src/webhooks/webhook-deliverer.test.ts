/**
 * @module
 * The deliverer against a real loopback receiver and a real (SQLite)
 * store, driven by an injected clock: the outbound guard refuses a loopback
 * receiver unless allowed (nothing reaches it, the log says what to
 * configure); retry delays double up to the cap and the last try fails the
 * delivery; bodies arrive signed.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startWebhookReceiver, type WebhookReceiver } from "../../test/support/webhook-receiver.ts";
import { createLogger } from "../log/create-logger.ts";
import { createWebhookStore } from "../metadata/kysely-webhook-store.ts";
import { type MetadataDatabase, metadataBackends } from "../metadata/testing/metadata-backends.ts";
import { createOutboundGuard } from "../net/create-outbound-guard.ts";
import { allowLoopback } from "../net/testing/allow-loopback.ts";
import { createDeliverer } from "./webhook-deliverer.ts";
import { verifyWebhookSignature } from "./webhook-signature.ts";

const secret = "a secret of the deliverer test";
let database: MetadataDatabase;
let receiver: WebhookReceiver;
let now = 1_800_000_000_000;

before(async () => {
  database = await metadataBackends[0]!.create();
  receiver = await startWebhookReceiver();
});

after(async () => {
  await receiver?.close();
  await database?.cleanup();
});

function deliverer(guard = allowLoopback, attempts = 4) {
  // Not started: the test wakes it (no poll).
  return createDeliverer({
    store: createWebhookStore(database.db),
    guard,
    log: createLogger("silent"),
    clock: () => now,
    settings: { retryBaseMs: 1000, retryMaxMs: 1500, attempts },
    secretOf: async () => ({ secret }),
  });
}

async function enqueue(id: string): Promise<void> {
  const body = JSON.stringify({ event: "push", repository: "shop/app" });
  await createWebhookStore(database.db).enqueueDelivery({
    id,
    webhookId: null,
    url: `${receiver.url}/hook`,
    event: "push",
    body,
    at: now,
  });
}

test("a loopback receiver is refused unless outbound.allow covers it; nothing reaches it", async () => {
  const d = deliverer(createOutboundGuard({ allow: [] }), 1);
  await enqueue("00000000-0000-4000-8000-000000000001");
  d.wake(["00000000-0000-4000-8000-000000000001"]);
  await d.idle();
  await d.close();
  const row = await createWebhookStore(database.db).findDelivery("00000000-0000-4000-8000-000000000001");
  assert.equal(row?.state, "failed");
  assert.equal(row?.lastStatus, null);
  assert.match(row?.lastError ?? "", /outbound\.allow/);
  assert.equal(receiver.received.length, 0);
});

test("retry delays double up to retryMax; the last try fails the delivery; every try is signed", async () => {
  const store = createWebhookStore(database.db);
  const id = "00000000-0000-4000-8000-000000000002";
  receiver.answer(500, 502, 503, 500);
  const d = deliverer();
  await enqueue(id);
  const waits: (number | null)[] = [];
  for (let n = 0; n < 4; n++) {
    d.wake([id]);
    await d.idle();
    const row = await store.findDelivery(id);
    waits.push(row?.nextAttemptAt === null || row === undefined ? null : row.nextAttemptAt - now);
    now += 10_000;
  }
  await d.close();
  assert.deepEqual(waits, [1000, 1500, 1500, null]);
  const row = await store.findDelivery(id);
  assert.deepEqual([row?.state, row?.attempts, row?.lastStatus], ["failed", 4, 500]);
  assert.deepEqual(
    (await store.listAttempts(id)).map((a) => a.statusCode),
    [500, 502, 503, 500],
  );
  assert.equal(receiver.received.length, 4);
  for (const hook of receiver.received) {
    assert.equal(hook.headers["x-wharf-delivery"], id);
    assert.ok(verifyWebhookSignature(secret, hook.body, String(hook.headers["x-wharf-signature"])));
  }
});
