/**
 * @module
 * Online garbage collection on a real server over HTTP, started in this
 * process so the test owns the clock (grace windows pass without waiting).
 * Images are pushed with skopeo and over HTTP: layers shared across
 * repositories, an index, a referrer, an untagged manifest, a deleted
 * repository. `wharf gc --dry-run` reports exactly the bytes that only the
 * deleted content held, the run deletes just those, every still-tagged image
 * pulls byte-identically with skopeo afterwards, and a blob pushed while
 * the collector runs survives. Also retention (the last N tags and the
 * protected ones stay), namespace quotas through the CLI and immutable tags.
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { access, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { configSchema } from "../src/config/config-schema.ts";
import { createLogger } from "../src/log/create-logger.ts";
import { type RunningServer, startServer } from "../src/server.ts";
import { type Credentials, createManagementClient } from "./support/management-client.ts";
import {
  type BuiltImage,
  type BuiltIndex,
  blobsOf,
  buildImage,
  buildIndex,
  readOciLayout,
  seededBytes,
  taggedDescriptor,
  writeOciLayout,
} from "./support/oci-layout.ts";
import { basicAuth, pushBlobAs, pushImageAs } from "./support/registry-auth.ts";
import { sha256 } from "./support/registry-http.ts";
import { runOk } from "./support/run-command.ts";
import { createWharfCli } from "./support/wharf-cli.ts";

const adminPassword = "admin-password-for-gc";
const admin: Credentials = ["admin", adminPassword];
const auth = basicAuth(...admin);
const hour = 3_600_000;
let now = Date.now();
let dir: string;
let work: string;
let server: RunningServer;
let host: string;
let image: BuiltImage;
let index: BuiltIndex;
const hookSecret = "a webhook secret of the test";

interface Delivery {
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** A loopback webhook receiver that answers 500 to the first delivery and 204 after. */
async function startReceiver() {
  const deliveries: Delivery[] = [];
  const waiters: { count: number; done: () => void }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      deliveries.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.statusCode = deliveries.length === 1 ? 500 : 204;
      res.end();
      for (const w of waiters) if (deliveries.length >= w.count) w.done();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    deliveries,
    received: (count: number) =>
      new Promise<void>((done) => (deliveries.length >= count ? done() : waiters.push({ count, done }))),
  };
}

let receiver: Awaited<ReturnType<typeof startReceiver>>;

function skopeo(...args: string[]): Promise<string> {
  return runOk("skopeo", ["--insecure-policy", ...args]);
}

function blobFile(digest: string): string {
  const hex = digest.slice("sha256:".length);
  return join(dir, "blobs", "blobs", "sha256", hex.slice(0, 2), hex);
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

interface GcAnswer {
  blobs: number;
  bytes: number;
  manifests: number;
  links: number;
  deletedBlobs: { digest: string; size: number }[];
}

async function gc(body: Record<string, unknown>): Promise<GcAnswer> {
  const api = createManagementClient(server.url);
  return (await api.expect(200, "POST", "/gc", { as: admin, body })).body as GcAnswer;
}

async function pullMatches(repository: string, tag: string, item: BuiltImage | BuiltIndex): Promise<void> {
  const target = join(work, `pulled-${repository.replace("/", "-")}-${tag}`);
  await skopeo(
    "copy",
    ...("index" in item ? ["--all"] : []),
    "--src-tls-verify=false",
    "--src-creds",
    `${admin[0]}:${admin[1]}`,
    `docker://${host}/${repository}:${tag}`,
    `oci:${target}:${tag}`,
  );
  const contents = await readOciLayout(target);
  const descriptor = taggedDescriptor(contents, tag);
  assert.equal(descriptor?.digest, item.descriptor.digest);
  const expected = new Map(blobsOf(item).map((blob) => [blob.digest, blob.bytes]));
  assert.deepEqual([...contents.blobs.keys()].sort(), [...expected.keys()].sort());
  for (const [digest, bytes] of contents.blobs) assert.deepEqual(bytes, expected.get(digest), `${digest} differs`);
}

async function pushWithSkopeo(layout: string, tag: string, repository: string, all = false): Promise<void> {
  await skopeo(
    "copy",
    ...(all ? ["--all"] : []),
    "--preserve-digests",
    "--dest-tls-verify=false",
    "--dest-creds",
    `${admin[0]}:${admin[1]}`,
    `oci:${layout}:${tag}`,
    `docker://${host}/${repository}:${tag}`,
  );
}

before(async () => {
  receiver = await startReceiver();
  dir = await mkdtemp(join(tmpdir(), "wharf-gc-"));
  work = await mkdtemp(join(tmpdir(), "wharf-gc-work-"));
  process.env.WHARF_ADMIN_PASSWORD = adminPassword;
  const config = configSchema.parse({
    dataDir: dir,
    listen: "127.0.0.1:0",
    gc: {
      untaggedGrace: "2h",
      retention: [{ repositories: "shop/rel*", keepLast: 2, keepTags: ["stable"], untaggedAfter: "1ms" }],
    },
    immutableTags: [{ repositories: "shop/fixed", tags: ["v*"] }],
    outbound: { allow: ["127.0.0.0/8"] },
    webhooks: {
      endpoints: [{ url: `${receiver.url}/hook`, secret: hookSecret, repositories: "shop/hooked" }],
      retryBase: "1ms",
    },
  });
  server = await startServer(config, createLogger("silent"), { now: () => now });
  host = server.address;
  const api = createManagementClient(server.url);
  await api.expect(201, "POST", "/orgs", { as: admin, body: { name: "acme" } });
  await api.expect(201, "POST", "/orgs/acme/apps", { as: admin, body: { slug: "shop" } });
  image = buildImage({
    architecture: "amd64",
    layers: [
      [{ name: "etc/app.conf", content: "mode = production\n" }],
      [{ name: "usr/bin/app", content: seededBytes("gc app binary", 300_000), mode: 0o755 }],
    ],
  });
  index = buildIndex([
    buildImage({ architecture: "amd64", layers: [[{ name: "bin/t", content: seededBytes("gc amd64", 90_000) }]] }),
    buildImage({ architecture: "arm64", layers: [[{ name: "bin/t", content: seededBytes("gc arm64", 80_000) }]] }),
  ]);
  await writeOciLayout(join(work, "source"), [
    { tag: "1.0", item: image },
    { tag: "multi", item: index },
  ]);
});

after(async () => {
  await server?.close(1000);
  receiver?.server.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  if (work) await rm(work, { recursive: true, force: true });
});

test("gc keeps what is tagged, indexed or referred to and reclaims exactly the rest; images pull byte-identically", async () => {
  const source = join(work, "source");
  // One image in two repositories (shared layers), an index, a referrer of the kept image.
  await pushWithSkopeo(source, "1.0", "shop/app");
  await pushWithSkopeo(source, "1.0", "shop/keep");
  await pushWithSkopeo(source, "multi", "shop/multi", true);
  const emptyConfig = await pushBlobAs(server.url, auth, "shop/keep", "{}");
  const referrer = JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    artifactType: "application/vnd.example.sbom",
    config: { mediaType: "application/vnd.oci.empty.v1+json", digest: emptyConfig, size: 2 },
    layers: [{ mediaType: "application/vnd.oci.empty.v1+json", digest: emptyConfig, size: 2 }],
    subject: { mediaType: image.descriptor.mediaType, digest: image.descriptor.digest, size: image.descriptor.size },
  });
  const put = await fetch(`${server.url}/v2/shop/keep/manifests/${sha256(referrer)}`, {
    method: "PUT",
    headers: { authorization: auth, "content-type": "application/vnd.oci.image.manifest.v1+json" },
    body: referrer,
  });
  assert.equal(put.status, 201, await put.text());
  // Garbage to be: a deleted repository, and an image whose only tag is deleted.
  const old = await pushImageAs(server.url, auth, "shop/old", "1");
  const untagged = await pushImageAs(server.url, auth, "shop/scratch", "tmp");
  const api = createManagementClient(server.url);
  await api.expect(200, "DELETE", "/repositories/shop/old", { as: admin });
  const del = await fetch(`${server.url}/v2/shop/scratch/manifests/tmp`, {
    method: "DELETE",
    headers: { authorization: auth },
  });
  assert.equal(del.status, 202);
  const untag = await fetch(`${server.url}/v2/shop/app/manifests/1.0`, {
    method: "DELETE",
    headers: { authorization: auth },
  });
  assert.equal(untag.status, 202);
  const garbage = new Map<string, number>();
  for (const body of [old.body, untagged.body]) {
    const m = JSON.parse(body) as {
      config: { digest: string; size: number };
      layers: { digest: string; size: number }[];
    };
    for (const d of [m.config, ...m.layers]) garbage.set(d.digest, d.size);
  }
  const garbageBytes = [...garbage.values()].reduce((a, b) => a + b, 0);

  // Within the grace window nothing goes.
  const early = await gc({ dryRun: true });
  assert.equal(early.blobs, 0);

  now += 3 * hour;
  const cli = createWharfCli(join(work, "cli"));
  await cli.ok(["login", server.url, "-u", "admin", "--password-stdin"], `${adminPassword}\n`);
  const dry = await cli.ok(["gc", "--dry-run"]);
  assert.match(dry, new RegExp(`would delete ${garbage.size} blobs \\(.*${garbageBytes} bytes\\)`));
  for (const digest of garbage.keys()) assert.match(dry, new RegExp(digest));
  for (const digest of garbage.keys()) assert.ok(await exists(blobFile(digest)), "a dry run deletes nothing");

  // A blob pushed while the collector runs (fresh by the clock) survives it.
  const [ran, during] = await Promise.all([gc({}), pushBlobAs(server.url, auth, "shop/late", "pushed during gc")]);
  assert.equal(ran.blobs, garbage.size);
  assert.equal(ran.bytes, garbageBytes);
  assert.deepEqual(ran.deletedBlobs.map((b) => b.digest).sort(), [...garbage.keys()].sort());
  for (const digest of garbage.keys()) assert.equal(await exists(blobFile(digest)), false, `${digest} is still stored`);
  assert.ok(await exists(blobFile(during)));
  const late = await fetch(`${server.url}/v2/shop/late/blobs/${during}`, { headers: { authorization: auth } });
  assert.equal(late.status, 200);
  assert.equal(await late.text(), "pushed during gc");

  // Nothing left to do; every tagged image, its referrer and the index pull whole.
  assert.equal((await gc({ dryRun: true })).blobs, 0);
  await pullMatches("shop/keep", "1.0", image);
  await pullMatches("shop/multi", "multi", index);
  const referrers = await fetch(`${server.url}/v2/shop/keep/referrers/${image.descriptor.digest}`, {
    headers: { authorization: auth },
  });
  assert.equal(((await referrers.json()) as { manifests: unknown[] }).manifests.length, 1);
  const gone = await fetch(`${server.url}/v2/shop/app/manifests/${image.descriptor.digest}`, {
    headers: { authorization: auth, accept: image.descriptor.mediaType },
  });
  assert.equal(gone.status, 404, "the untagged manifest past untaggedGrace is deleted");
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  assert.match(metrics, new RegExp(`wharf_gc_reclaimed_bytes_total ${garbageBytes}`));
});

test("gc is for server administrators, and a bad grace is a clear error", async () => {
  const api = createManagementClient(server.url);
  const bad = await api.call("POST", "/gc", { as: admin, body: { grace: "soon" } });
  assert.equal(bad.status, 400);
  assert.match(JSON.stringify(bad.body), /duration/);
  const anonymous = await fetch(`${server.url}/api/v1/gc`, { method: "POST", body: "{}" });
  assert.equal(anonymous.status, 401);
});

test("retention keeps exactly the last N pushed tags and the protected ones; the dry run lists what goes", async () => {
  const pushed = new Map<string, string>();
  for (const tag of ["stable", "t1", "t2", "t3", "t4", "t5"]) {
    now += 60_000;
    pushed.set(tag, (await pushImageAs(server.url, auth, "shop/release", tag)).digest);
  }
  now += 60_000;
  const api = createManagementClient(server.url);
  const dry = (await api.expect(200, "POST", "/gc", { as: admin, body: { dryRun: true, grace: "1s" } })).body as {
    tags: number;
    deletedTags: { repository: string; tag: string }[];
  };
  assert.deepEqual(dry.deletedTags.map((t) => t.tag).sort(), ["t1", "t2", "t3"]);
  const ran = await gc({ grace: "1s" });
  assert.equal(ran.manifests, 3, "the expired tags' manifests go with them (untaggedAfter)");
  const list = await fetch(`${server.url}/v2/shop/release/tags/list`, { headers: { authorization: auth } });
  assert.deepEqual(((await list.json()) as { tags: string[] }).tags, ["stable", "t4", "t5"]);
  for (const tag of ["stable", "t4", "t5"]) {
    const res = await fetch(`${server.url}/v2/shop/release/manifests/${tag}`, {
      headers: { authorization: auth, accept: "application/vnd.oci.image.manifest.v1+json" },
    });
    assert.equal(res.headers.get("docker-content-digest"), pushed.get(tag));
  }
  const expired = await fetch(`${server.url}/v2/shop/release/manifests/${pushed.get("t1")}`, {
    headers: { authorization: auth, accept: "application/vnd.oci.image.manifest.v1+json" },
  });
  assert.equal(expired.status, 404);
});

test("a namespace quota counts each blob once and refuses the blob that would exceed it, naming the quota", async () => {
  const api = createManagementClient(server.url);
  await api.expect(201, "POST", "/orgs/acme/apps", { as: admin, body: { slug: "tight" } });
  const cli = createWharfCli(join(work, "cli"));
  await cli.ok(["quota", "set", "tight", "1000"]);
  const shared = seededBytes("quota shared", 700);
  await pushBlobAs(server.url, auth, "tight/a", shared);
  await pushBlobAs(server.url, auth, "tight/b", shared);
  const shown = await cli.ok(["quota", "show", "tight", "--json"]);
  assert.deepEqual(JSON.parse(shown), { namespace: "tight", limit: 1000, used: 700, warnPercent: 80, warnedAt: null });
  const extra = seededBytes("quota extra", 400);
  const refused = await fetch(`${server.url}/v2/tight/a/blobs/uploads/?digest=${sha256(extra)}`, {
    method: "POST",
    headers: { authorization: auth },
    body: extra,
  });
  assert.equal(refused.status, 403);
  const error = ((await refused.json()) as { errors: { code: string; message: string }[] }).errors[0]!;
  assert.equal(error.code, "DENIED");
  assert.match(
    error.message,
    /namespace tight is over its quota: it uses .*\(700 bytes\) of its .*\(1000 bytes\) quota/,
  );
  const listed = await cli.ok(["quota", "show"]);
  assert.match(listed, /tight/);
  await cli.ok(["quota", "set", "tight", "1KiB"]);
  await pushBlobAs(server.url, auth, "tight/a", seededBytes("quota fits", 300));
  assert.match(await cli.fails(["quota", "set", "tight", "lots"]), /expected a size/);
});

test("an immutable tag cannot be moved or deleted; pushing the same content again is fine", async () => {
  const first = await pushImageAs(server.url, auth, "shop/fixed", "v1");
  const other = await pushImageAs(server.url, auth, "shop/fixed", "latest");
  const put = (tag: string, body: string) =>
    fetch(`${server.url}/v2/shop/fixed/manifests/${tag}`, {
      method: "PUT",
      headers: { authorization: auth, "content-type": "application/vnd.oci.image.manifest.v1+json" },
      body,
    });
  const moved = await put("v1", other.body);
  assert.equal(moved.status, 403);
  const error = ((await moved.json()) as { errors: { code: string; message: string }[] }).errors[0]!;
  assert.equal(error.code, "DENIED");
  assert.match(error.message, /tag v1 of shop\/fixed is immutable \(immutableTags rule shop\/fixed: v\*\)/);
  assert.equal((await put("v1", first.body)).status, 201, "the same content again is allowed");
  assert.equal((await put("latest", first.body)).status, 201, "tags no rule matches still move");
  const deleted = await fetch(`${server.url}/v2/shop/fixed/manifests/v1`, {
    method: "DELETE",
    headers: { authorization: auth },
  });
  assert.equal(deleted.status, 403);
  const still = await fetch(`${server.url}/v2/shop/fixed/manifests/v1`, {
    headers: { authorization: auth, accept: "application/vnd.oci.image.manifest.v1+json" },
  });
  assert.equal(still.headers.get("docker-content-digest"), first.digest);
});

test("a push is delivered to the webhook, HMAC-signed, and retried after a failure", { timeout: 60_000 }, async () => {
  const pushed = await pushImageAs(server.url, auth, "shop/hooked", "1");
  await receiver.received(2);
  const [failed, delivered] = receiver.deliveries;
  assert.equal(failed!.headers["x-wharf-delivery"], delivered!.headers["x-wharf-delivery"], "a retry, not a new event");
  for (const d of [failed!, delivered!]) {
    const expected = `sha256=${createHmac("sha256", hookSecret).update(d.body).digest("hex")}`;
    assert.equal(d.headers["x-wharf-signature"], expected);
    assert.equal(d.headers["x-wharf-event"], "push");
  }
  const body = JSON.parse(delivered!.body) as Record<string, string>;
  assert.deepEqual([body.event, body.repository, body.tag, body.digest], ["push", "shop/hooked", "1", pushed.digest]);
  assert.equal(receiver.deliveries.length, 2, "nothing from repositories the endpoint does not cover");
});

test("an administrator reads the configuration file endpoint's delivery log and redelivers; nobody else does", {
  timeout: 60_000,
}, async () => {
  const api = createManagementClient(server.url);
  const id = String(receiver.deliveries[0]!.headers["x-wharf-delivery"]);
  interface Logged {
    id: string;
    url: string;
    event: string;
    state: string;
    log: { statusCode: number | null }[];
  }
  const logged = async () =>
    ((await api.expect(200, "GET", "/webhooks/config/deliveries", { as: admin })).body.deliveries as Logged[]).find(
      (d) => d.id === id,
    );
  // The server records the attempt just after the receiver answered: read until it is there.
  let found = await logged();
  for (let tries = 0; found?.state !== "delivered" && tries < 200; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    found = await logged();
  }
  assert.deepEqual(
    [found?.url, found?.event, found?.state, found?.log.map((a) => a.statusCode)],
    [`${receiver.url}/hook`, "push", "delivered", [500, 204]],
  );
  const user: Credentials = ["olga", "olga-password-1"];
  await api.expect(201, "POST", "/users", { as: admin, body: { name: user[0], password: user[1] } });
  await api.refuse(403, "DENIED", "GET", "/webhooks/config/deliveries", { as: user });
  await api.refuse(404, "NOT_FOUND", "POST", `/webhook-deliveries/${id}/redeliver`, { as: user });
  const again = await api.expect(201, "POST", `/webhook-deliveries/${id}/redeliver`, { as: admin });
  assert.deepEqual([again.body.url, again.body.redeliveryOf], [`${receiver.url}/hook`, id]);
  await receiver.received(3);
  const third = receiver.deliveries[2]!;
  assert.equal(third.headers["x-wharf-delivery"], again.body.id);
  assert.equal(third.body, receiver.deliveries[0]!.body);
  const audit = await api.expect(200, "GET", "/audit?action=webhook.redeliver&target=webhook:config", { as: admin });
  assert.deepEqual(audit.body.events[0].detail, { delivery: id, redelivery: again.body.id });
});
