/**
 * @module
 * Webhooks end to end, on the real server (accounts on, a test clock) with a
 * real loopback receiver: an organization's owner adds a webhook with the
 * CLI (the secret is printed once, never again); a skopeo push, pulls
 * (aggregated: one event with the count), a license created and revoked and
 * a garbage collection arrive signed with that secret; a receiver answering
 * 500 gets the retry once the clock passes the backoff, and the delivery log
 * shows both attempts; a redelivery sends the same body under a new id; a
 * pending retry survives a restart; members and outsiders are refused.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { loopbackCidrs } from "../src/net/testing/allow-loopback.ts";
import { verifyWebhookSignature } from "../src/webhooks/webhook-signature.ts";
import { type Credentials, createManagementClient } from "./support/management-client.ts";
import { buildImage, seededBytes, writeOciLayout } from "./support/oci-layout.ts";
import { basicAuth, pushImageAs } from "./support/registry-auth.ts";
import { runOk } from "./support/run-command.ts";
import { adminPassword, type StartOptions, startWharf, type WharfProcess } from "./support/start-wharf.ts";
import { type ReceivedHook, startWebhookReceiver, type WebhookReceiver } from "./support/webhook-receiver.ts";
import { createWharfCli, type WharfCli } from "./support/wharf-cli.ts";

const admin: Credentials = ["admin", adminPassword];
const member: Credentials = ["mallory", "mallory-password-1"];
const outsider: Credentials = ["oscar", "oscar-password-1"];
const hour = 3_600_000;
const options: StartOptions = {
  auth: true,
  clock: true,
  outboundAllow: loopbackCidrs,
  env: { WHARF_WEBHOOKS__RETRY_BASE: "1h", WHARF_WEBHOOKS__PULL_WINDOW: "1m" },
};

let wharf: WharfProcess;
let receiver: WebhookReceiver;
let cli: WharfCli;
let work: string;
let hookId: string;
let secret: string;

const api = () => createManagementClient(wharf.url);
const body = (hook: ReceivedHook) => JSON.parse(hook.body) as Record<string, unknown>;
const ofType =
  (type: string, extra: (b: Record<string, unknown>) => boolean = () => true) =>
  (hook: ReceivedHook) =>
    hook.headers["x-wharf-event"] === type && extra(body(hook));

/** Calls `read` until `done` accepts its answer (the server records an attempt just after the receiver answers). */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let tries = 0; ; tries++) {
    const value = await read();
    if (done(value) || tries >= 200) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface LoggedDelivery {
  id: string;
  event: string;
  state: string;
  attempts: number;
  statusCode: number | null;
  nextAttemptAt: string | null;
  log: { attempt: number; statusCode: number | null; error: string | null }[];
}

async function delivery(id: string): Promise<LoggedDelivery | undefined> {
  const answer = await api().expect(200, "GET", `/webhooks/${hookId}/deliveries`, { as: admin });
  return (answer.body.deliveries as LoggedDelivery[]).find((d) => d.id === id);
}

const deliveryId = (hook: ReceivedHook) => String(hook.headers["x-wharf-delivery"]);

function assertSigned(hook: ReceivedHook): void {
  const signature = hook.headers["x-wharf-signature"];
  assert.ok(verifyWebhookSignature(secret, hook.body, typeof signature === "string" ? signature : undefined));
  assert.ok(!verifyWebhookSignature("another secret of 16+ chars", hook.body, String(signature)));
}

before(async () => {
  receiver = await startWebhookReceiver();
  wharf = await startWharf(options);
  work = await mkdtemp(join(tmpdir(), "wharf-hooks-"));
  const a = api();
  await a.expect(201, "POST", "/orgs", { as: admin, body: { name: "acme" } });
  await a.expect(201, "POST", "/orgs/acme/apps", { as: admin, body: { slug: "shop" } });
  for (const [name, password] of [member, outsider]) {
    await a.expect(201, "POST", "/users", { as: admin, body: { name, password } });
  }
  await a.expect(200, "PUT", `/orgs/acme/members/${member[0]}`, { as: admin, body: { owner: false } });
  cli = createWharfCli(join(work, "cli"));
  await cli.ok(["login", wharf.url, "-u", "admin", "--password-stdin"], `${adminPassword}\n`);
});

after(async () => {
  await wharf?.stop();
  await receiver?.close();
  if (wharf) await rm(wharf.dataDir, { recursive: true, force: true });
  if (work) await rm(work, { recursive: true, force: true });
});

test("an owner adds a webhook with the CLI; the secret is shown once and never again", async () => {
  const events = "push,delete,pull,quota,license,gc";
  const out = await cli.ok(["webhook", "add", "acme", "--url", `${receiver.url}/hook`, "--events", events, "--json"]);
  const added = JSON.parse(out) as { id: number; secret: string; events: string[] };
  hookId = String(added.id);
  secret = added.secret;
  assert.match(secret, /^[0-9a-f]{64}$/);
  assert.deepEqual(added.events, events.split(","));
  for (const args of [
    ["webhook", "list", "acme"],
    ["webhook", "show", hookId],
    ["webhook", "list", "acme", "--json"],
  ]) {
    const shown = await cli.ok(args);
    assert.match(shown, /\/hook/);
    assert.ok(!shown.includes(secret), `${args.join(" ")} shows no secret`);
  }
});

test("members and outsiders are refused; a bad URL or event is a clear error", async () => {
  const a = api();
  const add = { url: `${receiver.url}/x` };
  for (const who of [member, outsider]) {
    await a.refuse(403, "DENIED", "POST", "/orgs/acme/webhooks", { as: who, body: add });
    await a.refuse(403, "DENIED", "GET", "/orgs/acme/webhooks", { as: who });
    await a.refuse(403, "DENIED", "GET", `/webhooks/${hookId}`, { as: who });
    await a.refuse(403, "DENIED", "GET", `/webhooks/${hookId}/deliveries`, { as: who });
    await a.refuse(403, "DENIED", "DELETE", `/webhooks/${hookId}`, { as: who });
  }
  await a.refuse(401, "UNAUTHORIZED", "GET", "/orgs/acme/webhooks");
  await a.refuse(404, "NOT_FOUND", "GET", "/webhooks/999999", { as: admin });
  const badEvent = await a.refuse(400, "INVALID_REQUEST", "POST", "/orgs/acme/webhooks", {
    as: admin,
    body: { ...add, events: ["push", "nope"] },
  });
  assert.match(badEvent, /events/);
  await a.refuse(400, "INVALID_REQUEST", "POST", "/orgs/acme/webhooks", { as: admin, body: { url: "ftp://x" } });
  const metadata = await a.refuse(400, "INVALID_REQUEST", "POST", "/orgs/acme/webhooks", {
    as: admin,
    body: { url: "http://169.254.169.254/latest" },
  });
  assert.match(metadata, /outbound\.allow/);
});

test("a skopeo push arrives signed, with repository, tag and digest", { timeout: 60_000 }, async () => {
  const image = buildImage({ architecture: "amd64", layers: [[{ name: "app", content: seededBytes("hooks", 5000) }]] });
  await writeOciLayout(join(work, "layout"), [{ tag: "1.0", item: image }]);
  await runOk("skopeo", [
    "--insecure-policy",
    "copy",
    "--dest-tls-verify=false",
    "--dest-creds",
    `${admin[0]}:${admin[1]}`,
    `oci:${join(work, "layout")}:1.0`,
    `docker://${wharf.host}/shop/app:1.0`,
  ]);
  const hook = await receiver.waitFor(ofType("push", (b) => b.repository === "shop/app" && b.tag === "1.0"));
  assertSigned(hook);
  const b = body(hook);
  assert.equal(b.org, "acme");
  assert.match(String(b.digest), /^sha256:[0-9a-f]{64}$/);
  assert.match(String(hook.headers["x-wharf-delivery"]), /^[0-9a-f-]{36}$/);
});

test("pulls are aggregated: one event per repository and digest per window, with the count", {
  timeout: 60_000,
}, async () => {
  const auth = basicAuth(...admin);
  const pushed = await pushImageAs(wharf.url, auth, "shop/pulled", "2.0");
  for (const reference of ["2.0", "2.0", pushed.digest]) {
    const res = await fetch(`${wharf.url}/v2/shop/pulled/manifests/${reference}`, {
      headers: { authorization: auth, accept: "application/vnd.oci.image.manifest.v1+json" },
    });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
  }
  await wharf.advanceClock(61_000);
  const hook = await receiver.waitFor(ofType("pull", (b) => b.repository === "shop/pulled"));
  assertSigned(hook);
  const b = body(hook);
  assert.deepEqual([b.digest, b.count, b.tags], [pushed.digest, 3, ["2.0"]]);
  await wharf.advanceClock(61_000);
  await pushImageAs(wharf.url, auth, "shop/later", "1");
  await receiver.waitFor(ofType("push", (b) => b.repository === "shop/later"));
  const pulls = receiver.received.filter(ofType("pull", (b) => b.repository === "shop/pulled"));
  assert.equal(pulls.length, 1, "never one POST per pull");
});

test("a license created, revoked or extended arrives as license events", { timeout: 30_000 }, async () => {
  const a = api();
  await a.expect(201, "POST", "/apps/shop/customers", { as: admin, body: { name: "globex" } });
  const created = await a.expect(201, "POST", "/apps/shop/licenses", { as: admin, body: { customer: "globex" } });
  const handle = created.body.id as string;
  await a.expect(200, "POST", `/apps/shop/licenses/${handle}/revoke`, { as: admin });
  const hook = await receiver.waitFor(ofType("license.revoked", (b) => b.license === handle));
  assertSigned(hook);
  assert.deepEqual([body(hook).app, body(hook).customer, body(hook).org], ["shop", "globex", "acme"]);
  await receiver.waitFor(ofType("license.created", (b) => b.license === handle));
  const other = await a.expect(201, "POST", "/apps/shop/licenses", { as: admin, body: { customer: "globex" } });
  await a.expect(200, "POST", `/apps/shop/licenses/${other.body.id}/extend`, { as: admin, body: { expires: "90d" } });
  const extended = await receiver.waitFor(ofType("license.extended", (b) => b.license === other.body.id));
  assertSigned(extended);
  assert.match(String(body(extended).expiresAt), /^\d{4}-\d\d-\d\dT/);
  assert.ok(!receiver.received.some((h) => h.body.includes(created.body.licenseId)), "the license id is never sent");
});

test("a license past its expiry arrives as license.expired, once", { timeout: 30_000 }, async () => {
  const a = api();
  const created = await a.expect(201, "POST", "/apps/shop/licenses", {
    as: admin,
    body: { customer: "globex", expires: "1d" },
  });
  const handle = created.body.id as string;
  await wharf.advanceClock(2 * 86_400_000);
  const hook = await receiver.waitFor(ofType("license.expired", (b) => b.license === handle));
  assertSigned(hook);
  assert.deepEqual([body(hook).app, body(hook).customer], ["shop", "globex"]);
  await wharf.advanceClock(2 * 86_400_000);
  await pushImageAs(wharf.url, basicAuth(...admin), "shop/after-expiry", "1");
  await receiver.waitFor(ofType("push", (b) => b.repository === "shop/after-expiry"));
  assert.equal(receiver.received.filter(ofType("license.expired", (b) => b.license === handle)).length, 1);
});

test("a blob refused by the namespace quota arrives as quota.exceeded", { timeout: 30_000 }, async () => {
  const a = api();
  await a.expect(200, "PUT", "/quotas/shop", { as: admin, body: { size: 1 } });
  await assert.rejects(pushImageAs(wharf.url, basicAuth(...admin), "shop/too-big", "1"));
  const hook = await receiver.waitFor(ofType("quota.exceeded", (b) => b.namespace === "shop"));
  assertSigned(hook);
  assert.equal(body(hook).limit, 1);
  assert.equal(typeof body(hook).used, "number");
  await a.expect(204, "DELETE", "/quotas/shop", { as: admin });
});

test("a garbage collection arrives with its totals", { timeout: 60_000 }, async () => {
  await api().expect(200, "POST", "/gc", { as: admin, body: { dryRun: true } });
  await api().expect(200, "POST", "/gc", { as: admin, body: {} });
  const hook = await receiver.waitFor(ofType("gc.finished"));
  assertSigned(hook);
  const b = body(hook);
  for (const key of ["blobs", "bytes", "manifests", "tags", "links", "repositories", "durationMs"]) {
    assert.equal(typeof b[key], "number", key);
  }
  assert.equal(receiver.received.filter(ofType("gc.finished")).length, 1, "a dry run sends nothing");
});

test("a receiver answering 500 gets the retry once the backoff passed; the log shows both attempts", {
  timeout: 60_000,
}, async () => {
  receiver.answer(500);
  await pushImageAs(wharf.url, basicAuth(...admin), "shop/retry", "1");
  const first = await receiver.waitFor(ofType("push", (b) => b.repository === "shop/retry"));
  assert.equal(first.status, 500);
  const id = deliveryId(first);
  const pending = await eventually(
    () => delivery(id),
    (d) => d?.attempts === 1,
  );
  assert.deepEqual([pending?.state, pending?.statusCode], ["pending", 500]);
  assert.ok(pending?.nextAttemptAt, "the next retry is shown");
  const text = await cli.ok(["webhook", "deliveries", hookId]);
  assert.match(text, new RegExp(`${id}\\s+push\\s+pending\\s+500\\s+1\\s`));
  await wharf.advanceClock(hour + 1000);
  const second = await receiver.waitFor((h) => deliveryId(h) === id && h !== first);
  assert.equal(second.body, first.body);
  assertSigned(second);
  const done = await eventually(
    () => delivery(id),
    (d) => d?.state === "delivered",
  );
  assert.deepEqual(
    done?.log.map((a) => [a.attempt, a.statusCode, a.error]),
    [
      [1, 500, "answered 500"],
      [2, 204, null],
    ],
  );
});

test("redeliver sends the same body again under a new delivery id", { timeout: 30_000 }, async () => {
  const original = receiver.received.find(ofType("license.revoked"))!;
  const out = JSON.parse(await cli.ok(["webhook", "redeliver", deliveryId(original), "--json"])) as LoggedDelivery;
  assert.notEqual(out.id, deliveryId(original));
  const again = await receiver.waitFor((h) => deliveryId(h) === out.id);
  assert.equal(again.body, original.body);
  assertSigned(again);
  await api().refuse(403, "DENIED", "POST", `/webhook-deliveries/${out.id}/redeliver`, { as: member });
  await api().refuse(400, "INVALID_REQUEST", "POST", "/webhook-deliveries/nope/redeliver", { as: admin });
  const unknown = "00000000-0000-0000-0000-000000000000";
  await api().refuse(404, "NOT_FOUND", "POST", `/webhook-deliveries/${unknown}/redeliver`, { as: admin });
});

test("a master-key rotation re-encrypts webhook secrets; deliveries stay signed with the same secret", async () => {
  const a = api();
  const report = await a.expect(200, "POST", "/secrets/rotate-key", { as: admin });
  assert.ok(report.body.reencrypted >= 1, report.text);
  const shown = await a.expect(200, "GET", `/webhooks/${hookId}`, { as: admin });
  assert.equal(shown.body.keyVersion, report.body.keyVersion);
  await pushImageAs(wharf.url, basicAuth(...admin), "shop/rotated", "1");
  assertSigned(await receiver.waitFor(ofType("push", (b) => b.repository === "shop/rotated")));
});

test("a pending retry survives a restart and the log keeps its attempts", { timeout: 90_000 }, async () => {
  receiver.answer(500);
  await pushImageAs(wharf.url, basicAuth(...admin), "shop/restart", "1");
  const first = await receiver.waitFor(ofType("push", (b) => b.repository === "shop/restart"));
  const id = deliveryId(first);
  await eventually(
    () => delivery(id),
    (d) => d?.attempts === 1,
  );
  const offset = wharf.serverNow() - Date.now();
  await wharf.stop();
  wharf = await startWharf({ ...options, dataDir: wharf.dataDir });
  await wharf.advanceClock(offset + hour + 1000);
  const second = await receiver.waitFor((h) => deliveryId(h) === id && h !== first);
  assert.equal(second.status, 204);
  const done = await eventually(
    () => delivery(id),
    (d) => d?.state === "delivered",
  );
  assert.deepEqual(
    done?.log.map((a) => a.statusCode),
    [500, 204],
  );
  await cli.ok(["login", wharf.url, "-u", "admin", "--password-stdin"], `${adminPassword}\n`);
  const text = await cli.ok(["webhook", "deliveries", hookId]);
  assert.match(text, new RegExp(`${id}\\s+push\\s+delivered\\s+204\\s+2\\s`));
  await cli.ok(["webhook", "remove", hookId]);
  await api().refuse(404, "NOT_FOUND", "GET", `/webhooks/${hookId}`, { as: admin });
  const audit = await api().expect(200, "GET", "/audit?actor=admin&limit=1000", { as: admin });
  const actions = new Set((audit.body.events as { action: string }[]).map((e) => e.action));
  for (const action of ["webhook.add", "webhook.redeliver", "webhook.rotate", "webhook.remove"]) {
    assert.ok(actions.has(action), `audited: ${action}`);
  }
  assert.ok(!audit.text.includes(secret), "the audit log holds no secret");
});
