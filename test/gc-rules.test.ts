/**
 * @module
 * The second part of keeping data small, on a real server over HTTP
 * started in this process (the test owns the clock): immutable tag rules
 * stored per namespace or repository (`wharf repo immutable`, pushes with
 * skopeo), usage per repository in `wharf repo list`, the quota warning
 * threshold (`wharf quota set --warn`, one audit event per crossing),
 * retention by push and pull windows and semver range (dry run with reasons), and the
 * collector's pins: an untagged manifest a release pins survives, and the
 * blobs of a cached release bundle stay while the bundle does.
 */
import assert from "node:assert/strict";
import { access, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { configSchema } from "../src/config/config-schema.ts";
import { createLogger } from "../src/log/create-logger.ts";
import { type RunningServer, startServer } from "../src/server.ts";
import { type Credentials, createManagementClient } from "./support/management-client.ts";
import { buildImage, seededBytes, writeOciLayout } from "./support/oci-layout.ts";
import { basicAuth, pushBlobAs, pushImageAs } from "./support/registry-auth.ts";
import { runCommand } from "./support/run-command.ts";
import { createWharfCli, type WharfCli } from "./support/wharf-cli.ts";

const adminPassword = "admin-password-for-gc-rules";
const admin: Credentials = ["admin", adminPassword];
const auth = basicAuth(...admin);
const hour = 3_600_000;
let now = Date.now();
let dir: string;
let work: string;
let server: RunningServer;
let cli: WharfCli;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "wharf-gc-rules-"));
  work = await mkdtemp(join(tmpdir(), "wharf-gc-rules-work-"));
  process.env.WHARF_ADMIN_PASSWORD = adminPassword;
  const config = configSchema.parse({
    dataDir: dir,
    listen: "127.0.0.1:0",
    immutableTags: [{ repositories: "conf/*", tags: ["v*"] }],
    gc: {
      untaggedGrace: "1h",
      retention: [{ repositories: "ret/*", keepPushedWithin: "1d", keepPulledWithin: "2d", keepSemver: ">=2.0.0 <3" }],
    },
  });
  server = await startServer(config, createLogger("silent"), { now: () => now });
  const api = createManagementClient(server.url);
  await api.expect(201, "POST", "/orgs", { as: admin, body: { name: "acme" } });
  for (const slug of ["shop", "conf", "usage", "warn", "ret"]) {
    await api.expect(201, "POST", "/orgs/acme/apps", { as: admin, body: { slug } });
  }
  cli = createWharfCli(join(work, "cli"));
  await cli.ok(["login", server.url, "-u", "admin", "--password-stdin"], `${adminPassword}\n`);
});

after(async () => {
  await server?.close(1000);
  if (dir) await rm(dir, { recursive: true, force: true });
  if (work) await rm(work, { recursive: true, force: true });
});

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
  readonly manifests: number;
  readonly blobs: number;
  readonly deletedManifests: { repository: string; digest: string }[];
  readonly deletedBlobs: { digest: string }[];
  readonly deletedTags: { repository: string; tag: string; reason?: string }[];
}

async function gc(body: Record<string, unknown> = {}): Promise<GcAnswer> {
  const api = createManagementClient(server.url);
  return (await api.expect(200, "POST", "/gc", { as: admin, body })).body as GcAnswer;
}

/** The layers of a manifest pushed by pushImageAs (its config may be shared with other repositories). */
function layersOf(body: string): string[] {
  return (JSON.parse(body) as { layers: { digest: string }[] }).layers.map((l) => l.digest);
}

function skopeoPush(layout: string, tag: string, target: string) {
  return runCommand("skopeo", [
    "--insecure-policy",
    "copy",
    "--dest-tls-verify=false",
    "--dest-creds",
    `${admin[0]}:${admin[1]}`,
    `oci:${layout}:${tag}`,
    `docker://${server.address}/${target}`,
  ]);
}

test("a stored immutable rule on a namespace or repository refuses moving the tag, naming the rule", async () => {
  const layout = join(work, "immutable");
  const image = (seed: string) =>
    buildImage({ architecture: "amd64", layers: [[{ name: "bin/app", content: seededBytes(seed, 2000) }]] });
  await writeOciLayout(layout, [
    { tag: "one", item: image("immutable one") },
    { tag: "two", item: image("immutable two") },
  ]);
  assert.match(await cli.ok(["repo", "immutable", "shop", "v*"]), /Tags matching v\* in shop are now immutable/);
  await cli.ok(["repo", "immutable", "shop/api", "stable"]);
  assert.match(await cli.ok(["repo", "immutable", "shop", "v*"]), /were already immutable/);
  const listed = JSON.parse(await cli.ok(["repo", "immutable-list", "--json"])) as {
    rules: { target: string; pattern: string }[];
  };
  assert.deepEqual(
    listed.rules.map((r) => `${r.target} ${r.pattern}`),
    ["shop v*", "shop/api stable"],
  );

  const first = await skopeoPush(layout, "one", "shop/api:v1");
  assert.equal(first.code, 0, first.stderr);
  assert.equal((await skopeoPush(layout, "one", "shop/api:v1")).code, 0, "the same content again is allowed");
  const moved = await skopeoPush(layout, "two", "shop/api:v1");
  assert.notEqual(moved.code, 0);
  assert.match(moved.stderr, /denied/i);
  assert.match(moved.stderr, /tag v1 of shop\/api is immutable \(immutable rule of shop: v\*\)/);
  // The repository rule covers that repository only; the namespace rule every repository.
  assert.equal((await skopeoPush(layout, "one", "shop/api:stable")).code, 0);
  const stable = await skopeoPush(layout, "two", "shop/api:stable");
  assert.match(stable.stderr, /immutable rule of shop\/api: stable/);
  assert.equal((await skopeoPush(layout, "one", "shop/web:stable")).code, 0);
  assert.equal((await skopeoPush(layout, "two", "shop/web:stable")).code, 0, "no rule covers shop/web:stable");
  // Deleting the tag is refused too; the configured rules keep working beside the stored ones.
  const deleted = await fetch(`${server.url}/v2/shop/api/manifests/v1`, {
    method: "DELETE",
    headers: { authorization: auth },
  });
  assert.equal(deleted.status, 403);
  assert.equal((await skopeoPush(layout, "one", "conf/x:v2")).code, 0);
  assert.match((await skopeoPush(layout, "two", "conf/x:v2")).stderr, /immutableTags rule conf\/\*: v\*/);

  // Once the rule is removed, the tag moves.
  await cli.ok(["repo", "immutable-remove", "shop", "v*"]);
  assert.equal((await skopeoPush(layout, "two", "shop/api:v1")).code, 0);
  assert.match(await cli.fails(["repo", "immutable-remove", "shop", "v*"]), /has no immutable tag rule/);
  assert.match(await cli.fails(["repo", "immutable", "Shop!", "v*"]), /namespace \(shop\) or a repository/);
  assert.match(await cli.fails(["repo", "immutable", "shop", "v 1"]), /expected a tag pattern/);
  const doc = (await createManagementClient(server.url).expect(200, "GET", "/openapi.json")).body as {
    paths: Record<string, Record<string, unknown>>;
  };
  assert.deepEqual(Object.keys(doc.paths["/api/v1/immutable-tags"]!).sort(), ["delete", "get", "put"]);
  assert.ok(doc.paths["/api/v1/quotas/{namespace}"]?.put, "the quota route with its warn field is documented");
  const anonymous = await fetch(`${server.url}/api/v1/immutable-tags`, {
    method: "PUT",
    body: JSON.stringify({ target: "shop", pattern: "*" }),
  });
  assert.equal(anonymous.status, 401);
});

test("repo list shows the bytes each repository stores, each blob once per repository", async () => {
  const shared = seededBytes("usage shared", 5000);
  await pushBlobAs(server.url, auth, "usage/a", shared);
  await pushBlobAs(server.url, auth, "usage/a", shared);
  await pushBlobAs(server.url, auth, "usage/b", shared);
  await pushBlobAs(server.url, auth, "usage/b", seededBytes("usage own", 700));
  const pushed = await pushImageAs(server.url, auth, "usage/c", "1");
  const manifest = JSON.parse(pushed.body) as { config: { size: number }; layers: { size: number }[] };
  const imageBytes = manifest.config.size + manifest.layers[0]!.size;
  const listed = JSON.parse(await cli.ok(["repo", "list", "usage", "--json"])) as {
    repositories: { name: string; bytes: number }[];
  };
  assert.deepEqual(
    listed.repositories.map((r) => [r.name, r.bytes]),
    [
      ["usage/a", 5000],
      ["usage/b", 5700],
      ["usage/c", imageBytes],
    ],
  );
  assert.match(await cli.ok(["repo", "list", "usage"]), /^usage\/b\s+0\s+0\s+5\.6 KiB\s+5700\s/m);
});

test("an untagged manifest pinned by a release survives gc; a cached bundle keeps its blobs until it goes", async () => {
  const api = createManagementClient(server.url);
  const pinned = await pushImageAs(server.url, auth, "shop/pinned", "1");
  const loose = await pushImageAs(server.url, auth, "shop/pinned", "2");
  await api.expect(201, "POST", "/apps/shop/releases", {
    as: admin,
    body: { version: "1.0.0", images: [{ source: "shop", name: "pinned", tag: "1" }] },
  });
  for (const tag of ["1", "2"]) {
    const untag = await fetch(`${server.url}/v2/shop/pinned/manifests/${tag}`, {
      method: "DELETE",
      headers: { authorization: auth },
    });
    assert.equal(untag.status, 202);
  }
  now += 3 * hour;
  const ran = await gc();
  const goneManifests = ran.deletedManifests.filter((m) => m.repository === "shop/pinned").map((m) => m.digest);
  assert.deepEqual(goneManifests, [loose.digest], "only the manifest no release pins goes");
  const byDigest = (digest: string) =>
    fetch(`${server.url}/v2/shop/pinned/manifests/${digest}`, {
      headers: { authorization: auth, accept: "application/vnd.oci.image.manifest.v1+json" },
    });
  assert.equal((await byDigest(pinned.digest)).status, 200);
  assert.equal((await byDigest(loose.digest)).status, 404);
  for (const blob of layersOf(pinned.body)) assert.ok(await exists(blobFile(blob)), `${blob} was swept`);
  for (const blob of layersOf(loose.body)) assert.equal(await exists(blobFile(blob)), false);

  // The server builds and caches the release's bundle; its blobs stay even once no repository links them.
  const bundle = await fetch(`${server.url}/api/v1/apps/shop/releases/1.0.0/bundle`, {
    headers: { authorization: auth },
  });
  assert.equal(bundle.status, 200, await bundle.clone().text());
  await bundle.arrayBuffer();
  await api.expect(200, "DELETE", "/repositories/shop/pinned", { as: admin });
  now += 3 * hour;
  const kept = await gc();
  for (const blob of layersOf(pinned.body)) {
    assert.ok(!kept.deletedBlobs.some((b) => b.digest === blob));
    assert.ok(await exists(blobFile(blob)), `${blob} of the cached bundle was swept`);
  }
  await rm(join(dir, "release-bundles"), { recursive: true });
  const freed = await gc();
  for (const blob of layersOf(pinned.body)) {
    assert.ok(
      freed.deletedBlobs.some((b) => b.digest === blob),
      `${blob} outlived its bundle`,
    );
  }
});

test("crossing a quota's warning threshold writes one audit event per crossing; quota show has the state", async () => {
  const api = createManagementClient(server.url);
  const warnings = async () => {
    const answer = await api.expect(200, "GET", "/audit?actor=wharf&limit=1000", { as: admin });
    return (answer.body as { events: { action: string; target: string; detail: { used: number } }[] }).events.filter(
      (e) => e.action === "quota.warning" && e.target === "namespace:warn",
    );
  };
  await cli.ok(["quota", "set", "warn", "1000", "--warn", "50%"]);
  await pushBlobAs(server.url, auth, "warn/a", seededBytes("warn 1", 300));
  const before = JSON.parse(await cli.ok(["quota", "show", "warn", "--json"]));
  assert.deepEqual([before.warnPercent, before.warnedAt], [50, null]);
  assert.match(await cli.ok(["quota", "show", "warn"]), /^warn\s+300 B\s+1000 B\s+300\s+1000\s+50%\s+ok$/m);
  await pushBlobAs(server.url, auth, "warn/a", seededBytes("warn 2", 300));
  await pushBlobAs(server.url, auth, "warn/b", seededBytes("warn 3", 100));
  const events = await warnings();
  assert.equal(events.length, 1, "once per crossing, not per push");
  assert.equal(events[0]!.detail.used, 600);
  assert.match(await cli.ok(["quota", "show", "warn"]), /^warn\s.*\s50%\s+warning since \d{4}-/m);
  // Below the threshold again (a raised limit), then past it again: a second event.
  await cli.ok(["quota", "set", "warn", "1500"]);
  assert.equal(JSON.parse(await cli.ok(["quota", "show", "warn", "--json"])).warnedAt, null);
  await pushBlobAs(server.url, auth, "warn/b", seededBytes("warn 4", 100));
  assert.equal((await warnings()).length, 2);
  assert.match(await cli.fails(["quota", "set", "warn", "1500", "--warn", "150%"]), /from 1% to 100%/);
});

test("retention keeps tags pushed or pulled within their windows and versions in the range; the dry run says why", async () => {
  for (const tag of ["1.0.0", "1.5.0", "2.1.0", "3.0.0", "dev"]) await pushImageAs(server.url, auth, "ret/app", tag);
  now += 3 * 24 * hour;
  const pulled = await fetch(`${server.url}/v2/ret/app/manifests/1.5.0`, {
    headers: { authorization: auth, accept: "application/vnd.oci.image.manifest.v1+json" },
  });
  assert.equal(pulled.status, 200);
  await pulled.arrayBuffer();
  await pushImageAs(server.url, auth, "ret/app", "fresh");
  now += hour;

  const dry = await cli.ok(["gc", "--dry-run"]);
  assert.match(dry, /^tag\s+1\.0\.0\s+ret\/app\s+pushed 3d 1h ago; never pulled; not a version in >=2\.0\.0 <3$/m);
  assert.match(dry, /^tag\s+3\.0\.0\s+ret\/app\s+pushed 3d 1h ago; never pulled; not a version in/m);
  assert.match(dry, /^tag\s+dev\s+ret\/app\s+/m);
  const ran = await gc();
  assert.deepEqual(
    ran.deletedTags
      .filter((t) => t.repository === "ret/app")
      .map((t) => t.tag)
      .sort(),
    ["1.0.0", "3.0.0", "dev"],
  );
  const list = await fetch(`${server.url}/v2/ret/app/tags/list`, { headers: { authorization: auth } });
  assert.deepEqual(((await list.json()) as { tags: string[] }).tags, ["1.5.0", "2.1.0", "fresh"]);
});
