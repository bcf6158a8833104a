/**
 * @module
 * The publisher over a real (SQLite) store: an event becomes one stored
 * delivery per endpoint that wants it — the configuration file's endpoints
 * and the owning organization's webhooks, filtered by event family and
 * repository glob; an instance-wide event (gc) goes to every organization's
 * webhooks that subscribed; an oversized body is cut to its identifying
 * fields; quota events repeat at most once an hour per namespace and type.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createLogger } from "../log/create-logger.ts";
import { createAccountsMetadata } from "../metadata/kysely-accounts-metadata.ts";
import { createWebhookStore } from "../metadata/kysely-webhook-store.ts";
import { type MetadataDatabase, metadataBackends } from "../metadata/testing/metadata-backends.ts";
import { createPublisher, maxBodyBytes } from "./webhook-publisher.ts";

let database: MetadataDatabase;
let now = 1_800_000_000_000;
const woken: string[] = [];
const seal = (id: number) => ({ ciphertext: `c${id}`, keyVersion: 1 });

async function deliveries() {
  const store = createWebhookStore(database.db);
  const ids = await store.dueDeliveries(Number.MAX_SAFE_INTEGER, 1000);
  const rows = await Promise.all(ids.map((id) => store.findDelivery(id)));
  await database.db.deleteFrom("webhook_deliveries").execute();
  return rows.map((d) => ({ hook: d!.webhookId, url: d!.url, event: d!.event, body: JSON.parse(d!.body) }));
}

let publish: ReturnType<typeof createPublisher>["publish"];
let acmeHook: number;
let otherHook: number;

before(async () => {
  database = await metadataBackends[0]!.create();
  const accounts = createAccountsMetadata(database.db);
  const store = createWebhookStore(database.db);
  const user = await accounts.createUser("owner", null, "unused", false);
  const acme = await accounts.createOrganization("acme", user.id);
  const other = await accounts.createOrganization("other", user.id);
  await accounts.createNamespace({ name: "shop", kind: "application", userId: null, orgId: acme.id });
  const hook = { repositories: "shop/*", createdBy: "owner" };
  acmeHook = (
    await store.createWebhook(acme.id, { ...hook, url: "https://a.test/", events: ["push", "gc", "quota"] }, seal, now)
  ).id;
  otherHook = (
    await store.createWebhook(other.id, { ...hook, url: "https://o.test/", events: ["push", "gc"] }, seal, now)
  ).id;
  publish = createPublisher({
    store,
    configured: [{ url: "https://c.test/", secret: "s".repeat(16), events: ["push", "gc"], repositories: "*" }],
    orgOf: async (name) => {
      const ns = await accounts.findNamespace(name);
      return ns?.orgId === acme.id ? acme : undefined;
    },
    clock: () => now,
    log: createLogger("silent"),
    wake: (ids) => woken.push(...ids),
  }).publish;
});

after(() => database?.cleanup());

test("an event goes to the configured endpoints and the owning organization's matching webhooks", async () => {
  await publish({ type: "push", repository: "shop/app", tag: "1", digest: "sha256:x" });
  const sent = await deliveries();
  assert.deepEqual(sent.map((d) => d.hook).sort(), [acmeHook, null].sort());
  assert.deepEqual(sent[0]!.body, {
    event: "push",
    type: "push",
    repository: "shop/app",
    tag: "1",
    digest: "sha256:x",
    org: "acme",
    at: new Date(now).toISOString(),
  });
  assert.equal(woken.length, 2);
  await publish({ type: "push", repository: "elsewhere/app" });
  assert.deepEqual(
    (await deliveries()).map((d) => d.hook),
    [null],
    "no organization owns it; the glob is the config's",
  );
  await publish({ type: "delete", repository: "shop/app" });
  assert.deepEqual(await deliveries(), [], "nobody subscribed to delete");
  await publish({ type: "nonsense.event" });
  assert.deepEqual(await deliveries(), []);
});

test("gc goes to every organization's webhooks that subscribed, and to the configured endpoints", async () => {
  await publish({ type: "gc.finished", blobs: 3 });
  const sent = await deliveries();
  assert.deepEqual(sent.map((d) => d.hook).sort(), [acmeHook, otherHook, null].sort());
  assert.ok(sent.every((d) => d.body.org === null && d.body.blobs === 3));
});

test("an oversized body keeps only its identifying fields", async () => {
  await publish({ type: "push", repository: "shop/app", tag: "x".repeat(maxBodyBytes) });
  const [d] = await deliveries();
  assert.deepEqual(d!.body, {
    event: "push",
    type: "push",
    repository: "shop/app",
    org: "acme",
    at: new Date(now).toISOString(),
    truncated: true,
  });
});

test("quota events repeat at most once an hour per namespace and type", async () => {
  await publish({ type: "quota.exceeded", namespace: "shop", used: 1 });
  await publish({ type: "quota.exceeded", namespace: "shop", used: 2 });
  assert.equal((await deliveries()).length, 1);
  now += 3_600_000;
  await publish({ type: "quota.exceeded", namespace: "shop", used: 3 });
  assert.deepEqual(
    (await deliveries()).map((d) => d.body.used),
    [3],
  );
});
