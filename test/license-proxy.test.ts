/**
 * @module
 * The whole vendor-to-customer path, with real parts: a Wharf with accounts
 * on (in this process, so the test owns its clock) whose organization has two
 * external registries — A, Debian's docker-registry behind htpasswd, holding
 * an image and a two-platform index; B, a second Wharf with token auth,
 * holding an image in a private repository. The vendor registers both under
 * short names, creates a customer and a license with the CLI; the customer
 * pulls through `proxy/<app>/<short>/<path>` with skopeo and podman, the
 * license id as username and password, and gets exactly what a direct pull
 * gets. Then: the app's own repositories read-only, un-entitled images that
 * answer alike whether or not they exist upstream, the per-license pull
 * audit, a wrong upstream password (E_AUTH for the vendor, a bare
 * UNAUTHORIZED for the customer), a stopped upstream (cached images still
 * pull), revocation (the very next request, a valid Bearer token included)
 * and expiry. Last, the host spelling of an upstream without a port.
 */
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { validateConfig } from "../src/config/load-config.ts";
import { createLogger } from "../src/log/create-logger.ts";
import { loopbackCidrs } from "../src/net/testing/allow-loopback.ts";
import type { UpstreamDirectory } from "../src/proxy/upstream-registry.ts";
import {
  type DistributionServer,
  distributionUnavailable,
  startDistribution,
} from "../src/registry-client/testing/distribution-server.ts";
import { testUser } from "../src/registry-client/testing/registry-fixture.ts";
import { type RunningServer, startServer } from "../src/server.ts";
import { type ClientSandbox, createClientSandbox, skipWithoutPodman } from "./support/container-clients.ts";
import { type Credentials, createManagementClient } from "./support/management-client.ts";
import {
  type BuiltImage,
  type BuiltIndex,
  buildImage,
  buildIndex,
  readOciLayout,
  seededBytes,
  writeOciLayout,
} from "./support/oci-layout.ts";
import { basicAuth, bearerAuth, requestToken, tokenBody } from "./support/registry-auth.ts";
import { errorCode } from "./support/registry-http.ts";
import { runOk } from "./support/run-command.ts";
import { skipOption } from "./support/skip-missing-tool.ts";
import { adminPassword, removeDataDir, startWharf, type WharfProcess } from "./support/start-wharf.ts";
import { createWharfCli, describeRun, type WharfCli } from "./support/wharf-cli.ts";

const skip = skipOption(distributionUnavailable());
const admin: Credentials = ["admin", adminPassword];
const vendor: Credentials = ["vendor", "vendor-password-1"];
const minute = 60_000;
const day = 86_400_000;
const accept = [
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

let now = Date.parse("2030-01-01T00:00:00Z");
let wharf: RunningServer;
let upstreamA: DistributionServer;
let upstreamB: WharfProcess;
let box: ClientSandbox;
let work: string;
let cli: WharfCli;
let api: ReturnType<typeof createManagementClient>;
const logLines: string[] = [];
let single: BuiltImage;
let index: BuiltIndex;
let privateImage: BuiltImage;
/** The license of customer globex (entitled to a-short/team/*, b-short/bvendor/*, shop/*) and its handle. */
let licenseId: string;
let handle: string;
/** A second license of globex, to expire. */
let shortLicense: string;

const host = () => wharf.url.replace("http://", "");
const licenseCreds = () => `${licenseId}:${licenseId}`;
const viaProxy = (path: string) => `docker://${host()}/proxy/shop/${path}`;

/** Copies `from` (every platform) into a fresh OCI layout; returns its top digest and sorted blob digests. */
async function copyAll(from: string, creds: string, label: string): Promise<{ top: string; blobs: string[] }> {
  const out = join(work, `${label}-${Math.random().toString(36).slice(2)}`);
  await box.skopeoOk(["copy", "--all", "--src-tls-verify=false", "--src-creds", creds, from, `oci:${out}:x`]);
  const contents = await readOciLayout(out);
  return { top: contents.index.manifests[0]!.digest, blobs: [...contents.blobs.keys()].sort() };
}

function manifestAs(path: string, reference: string, authorization: string): Promise<Response> {
  return fetch(`${wharf.url}/v2/${path}/manifests/${reference}`, { headers: { authorization, accept } });
}

before(async () => {
  if (skip) return;
  work = await mkdtemp(join(tmpdir(), "wharf-license-proxy-"));
  box = await createClientSandbox("wharf-license-proxy-box-");
  single = buildImage({
    architecture: "amd64",
    layers: [[{ name: "usr/bin/app", content: seededBytes("vendor app", 200_000), mode: 0o755 }]],
  });
  index = buildIndex([
    buildImage({ architecture: "amd64", layers: [[{ name: "bin/tool", content: seededBytes("tool amd64", 80_000) }]] }),
    buildImage({ architecture: "arm64", layers: [[{ name: "bin/tool", content: seededBytes("tool arm64", 70_000) }]] }),
  ]);
  privateImage = buildImage({
    architecture: "amd64",
    layers: [[{ name: "etc/private.conf", content: seededBytes("private", 50_000) }]],
  });
  const source = join(work, "source");
  await writeOciLayout(source, [
    { tag: "single", item: single },
    { tag: "multi", item: index },
    { tag: "private", item: privateImage },
  ]);
  const push = (tag: string, to: string, creds: string) =>
    box.skopeoOk([
      ...["copy", "--all", "--preserve-digests", "--dest-tls-verify=false", "--dest-creds", creds],
      ...[`oci:${source}:${tag}`, to],
    ]);

  // Upstream A: docker-registry with htpasswd, an image, an index and an image nobody is entitled to.
  upstreamA = await startDistribution(testUser);
  const aCreds = `${testUser.username}:${testUser.password}`;
  await push("single", `docker://${upstreamA.host}/team/app:1.0`, aCreds);
  await push("multi", `docker://${upstreamA.host}/team/app:multi`, aCreds);
  await push("single", `docker://${upstreamA.host}/team/app:arm-later`, aCreds);
  await push("private", `docker://${upstreamA.host}/other/app:1.0`, aCreds);

  // Upstream B: a Wharf with token auth and the image in a private repository.
  upstreamB = await startWharf({ auth: true });
  const bApi = createManagementClient(upstreamB.url);
  await bApi.expect(201, "POST", "/orgs", { as: admin, body: { name: "bvendor" } });
  await push("private", `docker://${upstreamB.host}/bvendor/private:1.0`, admin.join(":"));
  const anonymous = await fetch(`${upstreamB.url}/v2/bvendor/private/manifests/1.0`, { headers: { accept } });
  assert.equal(anonymous.status, 401, "B's repository is private");

  // The vendor's Wharf, with the test's clock.
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logLines.push(chunk.toString());
      callback();
    },
  });
  process.env.WHARF_ADMIN_PASSWORD = adminPassword;
  const config = validateConfig(
    {
      listen: "127.0.0.1:0",
      dataDir: join(work, "wharf"),
      accounts: { organizationCreation: "everyone" },
      outbound: { allow: [...loopbackCidrs] },
      proxy: { tagTtl: "5m" },
    },
    "test",
  );
  wharf = await startServer(config, createLogger("info", sink), { now: () => now });
  api = createManagementClient(wharf.url);
  await api.expect(201, "POST", "/users", { as: admin, body: { name: vendor[0], password: vendor[1] } });
  cli = createWharfCli(join(work, "vendor-cli"));
  await cli.ok(["login", wharf.url, "-u", vendor[0], "--password-stdin"], `${vendor[1]}\n`);
});

after(async () => {
  await wharf?.close(1000);
  await upstreamA?.stop();
  if (upstreamB) {
    await upstreamB.stop();
    await removeDataDir(upstreamB.dataDir);
  }
  await box?.remove();
  if (work) await rm(work, { recursive: true, force: true });
});

describe("delivering to a customer through the license-gated proxy", { skip }, () => {
  test("the vendor sets up org, app, external registries, a customer and licenses", async () => {
    await api.expect(201, "POST", "/orgs", { as: vendor, body: { name: "acme" } });
    await api.expect(201, "POST", "/orgs/acme/apps", { as: vendor, body: { slug: "shop" } });
    const add = (name: string, registry: string, [username, password]: readonly [string, string]) =>
      cli.ok(
        [
          ...["external", "add", name, "--org", "acme", "--registry", registry, "--insecure"],
          ...["--username", username, "--password-stdin"],
        ],
        `${password}\n`,
      );
    await add("a-short", upstreamA.host, [testUser.username, testUser.password]);
    await add("b-short", upstreamB.host, admin);
    assert.match(await cli.ok(["external", "test", "a-short", "--org", "acme", "team/app:1.0"]), /^ok /);
    assert.match(await cli.ok(["external", "test", "b-short", "--org", "acme", "bvendor/private:1.0"]), /^ok /);
    await cli.ok(["customer", "create", "globex", "--app", "shop", "--email", "ops@globex.example"]);
    const created = await cli.ok([
      ...["license", "create", "--app", "shop", "--customer", "globex", "--expires", "30d"],
      ...["--entitle", "a-short/team/*", "--entitle", "b-short/bvendor/*", "--entitle", "shop/*"],
    ]);
    licenseId = created.trimEnd().split("\n").at(-1)!;
    assert.match(licenseId, /^wharf_lic_/);
    handle = JSON.parse(await cli.ok(["license", "show", licenseId, "--output", "json"])).id;
    const expiring = await cli.ok([
      ...["license", "create", "--app", "shop", "--customer", "globex", "--expires", "1d"],
      ...["--entitle", "a-short/team/*"],
    ]);
    shortLicense = expiring.trimEnd().split("\n").at(-1)!;
  });

  test("skopeo pulls an image and a two-platform index from A and a private image from B, identical to direct pulls", async () => {
    const aCreds = `${testUser.username}:${testUser.password}`;
    for (const reference of ["team/app:1.0", "team/app:multi"]) {
      const direct = await copyAll(`docker://${upstreamA.host}/${reference}`, aCreds, "direct");
      const proxied = await copyAll(viaProxy(`a-short/${reference}`), licenseCreds(), "proxied");
      assert.deepEqual(proxied, direct, reference);
    }
    const direct = await copyAll(`docker://${upstreamB.host}/bvendor/private:1.0`, admin.join(":"), "direct-b");
    const proxied = await copyAll(viaProxy("b-short/bvendor/private:1.0"), licenseCreds(), "proxied-b");
    assert.deepEqual(proxied, direct);
    assert.equal(proxied.top, privateImage.manifest.digest);
  });

  test("a registry with a path prefix: wharf rewrite names the image inside it, and that name pulls with the license", async () => {
    // The vendor registers A's `team` folder as `a-team`; customer dove is entitled to a-team/*.
    await cli.ok(
      [
        ...["external", "add", "a-team", "--org", "acme", "--registry", `${upstreamA.host}/team`, "--insecure"],
        ...["--username", testUser.username, "--password-stdin"],
      ],
      `${testUser.password}\n`,
    );
    await cli.ok(["customer", "create", "dove", "--app", "shop"]);
    const created = await cli.ok(["license", "create", "--app", "shop", "--customer", "dove", "--entitle", "a-team/*"]);
    const dove = created.trimEnd().split("\n").at(-1)!;
    // The customer's manifests name the image where it lives; A asks for credentials, so it is private.
    const input = join(work, "team-manifests");
    await mkdir(input, { recursive: true });
    await writeFile(
      join(input, "app.yaml"),
      [
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata: {name: app}",
        "spec:",
        "  selector: {matchLabels: {app: app}}",
        "  template:",
        "    metadata: {labels: {app: app}}",
        "    spec:",
        "      containers:",
        `        - {name: app, image: "${upstreamA.host}/team/app:1.0"}`,
        "",
      ].join("\n"),
    );
    const out = join(work, "team-overlay");
    await cli.ok([
      ...["rewrite", input, "-o", out, "--app", "shop", "--license", dove, "--proxy", host()],
      ...["--upstream", `${upstreamA.host}/team=a-team`, "--insecure-registry", upstreamA.host],
    ]);
    const rendered = await runOk("/usr/bin/kubectl", ["kustomize", out]);
    const image = /image: (\S+)/.exec(rendered)?.[1];
    assert.equal(image, `${host()}/proxy/shop/a-team/app:1.0`, rendered);
    const pulled = await copyAll(`docker://${image}`, `${dove}:${dove}`, "team");
    assert.equal(pulled.top, single.manifest.digest);
    // Inside the prefix only: A's other/app is not under a-team, and a-team/team/app would be team/team/app.
    for (const path of ["a-team/team/app:1.0", "a-short/team/app:1.0"]) {
      const refused = await box.skopeo([
        ...["inspect", "--tls-verify=false", "--creds", `${dove}:${dove}`],
        `docker://${host()}/proxy/shop/${path}`,
      ]);
      assert.notEqual(refused.code, 0, path);
    }
  });

  test("podman pulls through the proxy with the license and gets the upstream's digests", async (t) => {
    if (skipWithoutPodman(t, box)) return;
    for (const [reference, digest] of [
      ["team/app:1.0", single.manifest.digest],
      ["team/app:multi", index.index.digest],
    ] as const) {
      const image = `${host()}/proxy/shop/a-short/${reference}`;
      await box.podmanOk(["pull", "--tls-verify=false", "--creds", licenseCreds(), image]);
      const inspected = await box.podmanOk(["image", "inspect", "--format", "{{.Digest}}", image]);
      assert.equal(inspected.trim(), digest, reference);
    }
  });

  test("the app's own repositories pull with the license, read-only", async () => {
    await box.skopeoOk([
      ...["copy", "--preserve-digests", "--dest-tls-verify=false", "--dest-creds", vendor.join(":")],
      ...[`oci:${join(work, "source")}:single`, `docker://${host()}/shop/own:1.0`],
    ]);
    const pulled = await copyAll(`docker://${host()}/shop/own:1.0`, licenseCreds(), "own");
    assert.equal(pulled.top, single.manifest.digest);
    const push = await box.skopeo([
      ...["copy", "--dest-tls-verify=false", "--dest-creds", licenseCreds()],
      ...[`oci:${join(work, "source")}:private`, `docker://${host()}/shop/own:evil`],
    ]);
    assert.notEqual(push.code, 0);
    const upload = await fetch(`${wharf.url}/v2/shop/own/blobs/uploads/`, {
      method: "POST",
      headers: { authorization: basicAuth(licenseId, licenseId) },
    });
    assert.equal(upload.status, 403);
    const proxyPush = await fetch(`${wharf.url}/v2/proxy/shop/a-short/team/app/blobs/uploads/`, {
      method: "POST",
      headers: { authorization: basicAuth(licenseId, licenseId) },
    });
    assert.ok([403, 405].includes(proxyPush.status), String(proxyPush.status));
  });

  test("an image outside the entitlements is NAME_UNKNOWN whether or not it exists upstream", async () => {
    const basic = basicAuth(licenseId, licenseId);
    const answer = async (path: string) => {
      const res = await manifestAs(path, "1.0", basic);
      return { status: res.status, body: await res.text(), challenge: res.headers.get("www-authenticate") };
    };
    const existing = await answer("proxy/shop/a-short/other/app");
    const missing = await answer("proxy/shop/a-short/other/nothing");
    assert.equal(existing.status, 404);
    assert.match(existing.body, /NAME_UNKNOWN/);
    assert.deepEqual(existing, missing);
    assert.deepEqual(await answer("proxy/shop/nosuch/team/app"), missing);
    const inspect = await box.skopeo([
      ...["inspect", "--tls-verify=false", "--creds", licenseCreds()],
      viaProxy("a-short/other/app:1.0"),
    ]);
    assert.notEqual(inspect.code, 0);
  });

  test("wharf license pulls lists the proxied pulls", async () => {
    const pulls = await cli.ok(["license", "pulls", handle]);
    assert.match(pulls, /manifest\s+proxy\/shop\/a-short\/team\/app:1\.0\s+sha256:/);
    assert.match(pulls, /manifest\s+proxy\/shop\/b-short\/bvendor\/private:1\.0\s+sha256:/);
    const answer = await api.expect(200, "GET", `/apps/shop/licenses/${handle}/pulls`, { as: vendor });
    const rows = answer.body.pulls as { kind: string; repository: string; digest: string; bytes: number }[];
    for (const layer of single.layers) {
      const row = rows.find(
        (p) => p.kind === "blob" && p.digest === layer.digest && p.repository === "proxy/shop/a-short/team/app",
      );
      assert.equal(row?.bytes, layer.bytes.length, `${layer.digest} in ${JSON.stringify(rows)}`);
    }
  });

  test("a wrong upstream password: external test says E_AUTH, the customer sees a bare UNAUTHORIZED", async () => {
    const wrong = "not-the-upstream-password";
    await cli.ok(["external", "update", "a-short", "--org", "acme", "--password-stdin"], `${wrong}\n`);
    const args = ["external", "test", "a-short", "--org", "acme"];
    const run = await cli.run(args);
    assert.equal(run.code, 1, describeRun(args, run));
    assert.match(run.stdout, /^E_AUTH /);
    const res = await manifestAs("proxy/shop/a-short/team/app", "arm-later", basicAuth(licenseId, licenseId));
    const body = await res.text();
    assert.equal(res.status, 401, body);
    assert.equal(JSON.parse(body).errors[0].code, "UNAUTHORIZED");
    for (const detail of [upstreamA.host, testUser.username, wrong, "authentication required"]) {
      assert.ok(!body.includes(detail), `the customer's answer holds "${detail}": ${body}`);
    }
    assert.ok(!logLines.join("").includes(wrong), "the wrong password is in the log");
    await cli.ok(["external", "update", "a-short", "--org", "acme", "--password-stdin"], `${testUser.password}\n`);
    assert.equal(
      (await manifestAs("proxy/shop/a-short/team/app", "arm-later", basicAuth(licenseId, licenseId))).status,
      200,
    );
  });

  test("with upstream A stopped, a cached image still pulls completely", async () => {
    const before = await copyAll(viaProxy("a-short/team/app:multi"), licenseCreds(), "before-stop");
    await upstreamA.stop();
    now += 10 * minute; // past the tag TTL: the revalidation fails and the cached tag is served
    const after = await copyAll(viaProxy("a-short/team/app:multi"), licenseCreds(), "after-stop");
    assert.deepEqual(after, before);
    const stale = await manifestAs("proxy/shop/a-short/team/app", "multi", basicAuth(licenseId, licenseId));
    assert.equal(stale.headers.get("wharf-proxy-stale"), "upstream unavailable");
  });

  test("revocation refuses the very next request, even with a still-valid Bearer token", async () => {
    const basic = basicAuth(licenseId, licenseId);
    const scope: [string, string][] = [["scope", "repository:proxy/shop/b-short/bvendor/private:pull"]];
    const token = (await tokenBody(await requestToken(wharf.url, scope, basic))).token;
    const path = "proxy/shop/b-short/bvendor/private";
    assert.equal((await manifestAs(path, "1.0", bearerAuth(token))).status, 200);
    assert.match(await cli.ok(["license", "revoke", handle]), /Revoked license/);
    const refused = await manifestAs(path, "1.0", bearerAuth(token));
    assert.equal(refused.status, 401);
    assert.equal(await errorCode(refused), "UNAUTHORIZED");
    assert.equal((await manifestAs(path, "1.0", basic)).status, 401);
    const pull = await box.skopeo([
      "inspect",
      "--tls-verify=false",
      "--creds",
      licenseCreds(),
      viaProxy(`${path.slice(11)}:1.0`),
    ]);
    assert.notEqual(pull.code, 0);
  });

  test("an expired license is refused", async () => {
    const basic = basicAuth(shortLicense, shortLicense);
    const path = "proxy/shop/a-short/team/app";
    assert.equal((await manifestAs(path, "1.0", basic)).status, 200);
    now += day + minute;
    const refused = await manifestAs(path, "1.0", basic);
    assert.equal(refused.status, 401);
    const scope: [string, string][] = [["scope", `repository:${path}:pull`]];
    assert.equal((await requestToken(wharf.url, scope, basic)).status, 401);
  });
});

describe("the host spelling of an upstream without a port", { skip }, () => {
  let server: RunningServer;
  let upstream: DistributionServer;
  let id: string;

  before(async () => {
    upstream = await startDistribution(testUser);
    await box.skopeoOk([
      ...["copy", "--preserve-digests", "--dest-tls-verify=false"],
      ...["--dest-creds", `${testUser.username}:${testUser.password}`],
      ...[`oci:${join(work, "source")}:single`, `docker://${upstream.host}/team/app:1.0`],
    ]);
    // An external registry registered for host `registry.example` under the short
    // name `a-short` (dialed on loopback: the test cannot own a port-less host).
    const registry = {
      name: "a-short",
      host: "registry.example",
      baseUrl: new URL(`http://${upstream.host}`),
      prefix: "",
      insecure: true,
      credentials: testUser,
    };
    const directory: UpstreamDirectory = {
      async find(app, name) {
        return app === "shop" && (name === "a-short" || name === "registry.example") ? registry : undefined;
      },
      // No prefixes here: a path is the same by short name and by host.
      async locate(app, name, path) {
        const registry = await this.find(app, name);
        return registry && { registry, path };
      },
    };
    const config = validateConfig(
      { listen: "127.0.0.1:0", dataDir: join(work, "wharf-host"), outbound: { allow: [...loopbackCidrs] } },
      "test",
    );
    server = await startServer(config, createLogger("silent"), { upstreams: directory });
    const hostApi = createManagementClient(server.url);
    await hostApi.expect(201, "POST", "/orgs", { as: admin, body: { name: "acme" } });
    await hostApi.expect(201, "POST", "/orgs/acme/apps", { as: admin, body: { slug: "shop" } });
    await hostApi.expect(201, "POST", "/apps/shop/customers", { as: admin, body: { name: "globex" } });
    const created = await hostApi.expect(201, "POST", "/apps/shop/licenses", {
      as: admin,
      body: { customer: "globex", entitlements: ["a-short/team/*"] },
    });
    id = created.body.licenseId;
  });
  after(async () => {
    await server?.close(1000);
    await upstream?.stop();
  });

  test("a license entitled by short name pulls by the registry's host too, and nothing else", async () => {
    const basic = basicAuth(id, id);
    const get = (path: string) =>
      fetch(`${server.url}/v2/proxy/shop/${path}/manifests/1.0`, { headers: { authorization: basic, accept } });
    for (const upstreamName of ["a-short", "registry.example"]) {
      const res = await get(`${upstreamName}/team/app`);
      assert.equal(res.status, 200, upstreamName);
      assert.equal(res.headers.get("docker-content-digest"), single.manifest.digest);
    }
    const other = await get("other.example/team/app");
    assert.equal(other.status, 404);
    assert.equal(await errorCode(other), "NAME_UNKNOWN");
  });
});
