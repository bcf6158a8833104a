/**
 * Releases end to end with real parts: a Wharf with accounts (outbound
 * loopback allowed), Debian's docker-registry behind htpasswd registered as
 * the organization's external registry `dist`, an app image pushed to
 * Wharf, and a second docker-registry as the customer's. A release created
 * from an images: list (and one from manifests) stores digests; a tag moved
 * upstream does not change it; a license on the release's channel downloads
 * the server-built bundle — cut off, then resumed with Range — which
 * verifies and pushes into the customer's registry with the release's
 * digests; a license on another channel sees nothing; the bundle is built
 * once.
 */
import assert from "node:assert/strict";
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parse as parseYaml } from "yaml";
import { openBundle } from "../src/airgap/open-bundle.ts";
import { mediaTypes } from "../src/oci/media-types.ts";
import {
  type DistributionServer,
  distributionUnavailable,
  startDistribution,
} from "../src/registry-client/testing/distribution-server.ts";
import { testUser } from "../src/registry-client/testing/registry-fixture.ts";
import { pushBlob, pushManifest, pushTestImage, type TestImage } from "../src/registry-client/testing/test-image.ts";
import { buildChart, unpackChart } from "./support/helm-chart.ts";
import { useWharfWithLoopbackUpstreams } from "./support/loopback-upstreams.ts";
import { createManagementClient } from "./support/management-client.ts";
import { basicAuth, bearerAuth, requestToken, tokenBody } from "./support/registry-auth.ts";
import { adminPassword } from "./support/start-wharf.ts";
import { createWharfCli, type WharfCli } from "./support/wharf-cli.ts";

const admin = ["admin", adminPassword] as const;
const vendor = ["vendor", "vendor-password-1"] as const;

describe("releases and server-built bundles", { skip: distributionUnavailable() }, () => {
  const wharf = useWharfWithLoopbackUpstreams({ env: { WHARF_ACCOUNTS__ORGANIZATION_CREATION: "everyone" } });
  let api: ReturnType<typeof createManagementClient>;
  let external: DistributionServer;
  let customer: DistributionServer;
  let externalImage: TestImage;
  let worker: TestImage;
  let cli: WharfCli;
  let work: string;
  let stable: string;
  let beta: string;
  const handles: Record<string, string> = {};
  const externalAuth = () => basicAuth(testUser.username, testUser.password);
  const bundleUrl = (version: string) => `${wharf.url}/api/v1/apps/shop/releases/${version}/bundle`;

  before(async () => {
    external = await startDistribution(testUser);
    customer = await startDistribution();
    externalImage = await pushTestImage({ host: external.host, authorization: externalAuth() }, "acme/api", ["1.0"]);
    api = createManagementClient(wharf.url);
    await api.expect(201, "POST", "/users", { as: admin, body: { name: vendor[0], password: vendor[1] } });
    await api.expect(201, "POST", "/orgs", { as: vendor, body: { name: "acme" } });
    await api.expect(201, "POST", "/orgs/acme/apps", { as: vendor, body: { slug: "shop" } });
    const registry = { name: "dist", registry: external.host, insecure: true, ...testUser };
    await api.expect(201, "POST", "/orgs/acme/external-registries", { as: vendor, body: registry });
    const scope: [string, string][] = [
      ["service", "wharf"],
      ["scope", "repository:shop/worker:pull,push"],
    ];
    const token = (await tokenBody(await requestToken(wharf.url, scope, basicAuth(...vendor)))).token;
    worker = await pushTestImage({ host: wharf.host, authorization: bearerAuth(token) }, "shop/worker", ["2.0"]);
    for (const [name, channel] of [
      ["globex", "stable"],
      ["initech", "beta"],
    ] as const) {
      await api.expect(201, "POST", "/apps/shop/customers", { as: vendor, body: { name } });
      const created = await api.expect(201, "POST", "/apps/shop/licenses", {
        as: vendor,
        body: { customer: name, channel },
      });
      handles[name] = created.body.id;
      if (channel === "stable") stable = created.body.licenseId;
      else beta = created.body.licenseId;
    }
    work = join(wharf.dataDir, "..", `releases-test-${process.pid}`);
    await mkdir(work, { recursive: true });
    cli = createWharfCli(join(work, "cli"));
    await cli.ok(["login", wharf.url, "-u", vendor[0], "--password-stdin"], `${vendor[1]}\n`);
  });
  after(async () => {
    await external?.stop();
    await customer?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  test("a release from an images: list resolves every tag to a digest; a tag moved upstream changes nothing", async () => {
    const list = join(work, "images.yaml");
    await writeFile(
      list,
      "images:\n- source: dist\n  name: acme/api\n  tag: '1.0'\n- source: shop\n  name: worker\n  tag: '2.0'\n",
    );
    const out = await cli.ok(["release", "create", "1.0.0", "--app", "shop", "-f", list, "--channel", "stable"]);
    assert.match(out, /Created release 1\.0\.0 of shop/);
    const shown = JSON.parse(await cli.ok(["release", "show", "1.0.0", "--app", "shop", "--output", "json"]));
    assert.deepEqual(shown.channels, ["stable"]);
    assert.deepEqual(shown.images, [
      { name: "acme/api", source: "dist", tag: "1.0", digest: externalImage.amd64.digest },
      { name: "worker", source: "shop", tag: "2.0", digest: worker.amd64.digest },
    ]);
    // Move 1.0 upstream to the index: the stored release keeps the digest it resolved.
    await pushManifest(
      { host: external.host, authorization: externalAuth() },
      "acme/api",
      "1.0",
      externalImage.index.bytes,
      mediaTypes.ociIndex,
    );
    const again = await api.expect(200, "GET", "/apps/shop/releases/1.0.0", { as: vendor });
    assert.equal(again.body.images[0].digest, externalImage.amd64.digest);
    const clash = await api.refuse(409, "CONFLICT", "POST", "/apps/shop/releases", {
      as: vendor,
      body: { version: "1.0.0", images: [{ source: "shop", name: "worker", tag: "2.0" }] },
    });
    assert.match(clash, /releases never change/);
    const unknown = await api.refuse(400, "INVALID_REQUEST", "POST", "/apps/shop/releases", {
      as: vendor,
      body: { version: "9.0.0", images: [{ source: "nowhere", name: "x", tag: "1" }] },
    });
    assert.match(unknown, /source "nowhere" is neither public/);
    const missingTag = await api.refuse(503, "UNAVAILABLE", "POST", "/apps/shop/releases", {
      as: vendor,
      body: { version: "9.0.0", images: [{ source: "shop", name: "worker", tag: "no-such-tag" }] },
    });
    assert.match(missingTag, /worker \(shop\) no-such-tag: not in shop\/worker/);
  });

  test("a release from manifests takes their images; the moved tag is what a new release resolves", async () => {
    const manifests = join(work, "manifests");
    await mkdir(manifests, { recursive: true });
    const deployment = (name: string, image: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}}\nspec:\n  template:\n    spec:\n      containers:\n      - {name: c, image: "${image}"}\n`;
    await writeFile(join(manifests, "api.yaml"), deployment("api", `${external.host}/acme/api:1.0`));
    await writeFile(join(manifests, "worker.yaml"), deployment("worker", `${wharf.host}/shop/worker:2.0`));
    await cli.ok(["release", "create", "1.1.0", "--app", "shop", "--from-manifests", manifests, "--channel", "beta"]);
    const shown = await api.expect(200, "GET", "/apps/shop/releases/1.1.0", { as: vendor });
    assert.deepEqual(
      shown.body.images.map((i: { source: string; digest: string }) => [i.source, i.digest]),
      [
        [external.host, externalImage.index.digest],
        ["shop", worker.amd64.digest],
      ],
    );
    const listed = await cli.ok(["release", "list", "--app", "shop"]);
    assert.match(listed, /1\.0\.0 +stable +2/);
    assert.match(listed, /1\.1\.0 +beta +2/);
  });

  test("a license sees only its channel's releases; another channel's bundle is not found", async () => {
    const mine = await api.expect(200, "GET", "/apps/shop/releases", { as: [stable, stable] });
    assert.deepEqual(
      mine.body.releases.map((r: { version: string }) => r.version),
      ["1.0.0"],
    );
    const theirs = await api.expect(200, "GET", "/apps/shop/releases", { as: [beta, beta] });
    assert.deepEqual(
      theirs.body.releases.map((r: { version: string }) => r.version),
      ["1.1.0"],
    );
    const refused = await fetch(bundleUrl("1.0.0"), { headers: { authorization: basicAuth(beta, beta) } });
    assert.equal(refused.status, 404, await refused.text());
    await api.refuse(404, "NOT_FOUND", "GET", "/apps/shop/releases/1.0.0", { as: [beta, beta] });
    const anonymous = await fetch(bundleUrl("1.0.0"));
    assert.equal(anonymous.status, 401);
    await api.refuse(403, "DENIED", "POST", "/apps/shop/releases", {
      as: [stable, stable],
      body: { version: "2.0.0", images: [{ source: "shop", name: "worker", tag: "2.0" }] },
    });
  });

  test("the license downloads the bundle, cut off and resumed with Range; it verifies and pushes with the release's digests", async () => {
    const authorization = basicAuth(stable, stable);
    const head = await fetch(bundleUrl("1.0.0"), { method: "HEAD", headers: { authorization } });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("accept-ranges"), "bytes");
    const size = Number(head.headers.get("content-length"));
    const etag = head.headers.get("etag")!;
    assert.ok(size > 10_000, `a bundle of ${size} bytes`);
    // The first run gets part of the file, then the connection drops.
    const half = Math.floor(size / 2);
    const part = await fetch(bundleUrl("1.0.0"), { headers: { authorization, range: `bytes=0-${half - 1}` } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get("content-range"), `bytes 0-${half - 1}/${size}`);
    const out = join(work, "shop-1.0.0.tar");
    await writeFile(`${out}.partial`, Buffer.from(await part.arrayBuffer()));
    await writeFile(`${out}.partial.etag`, etag);
    const resumed = await cli.ok([
      "airgap",
      "build",
      "--app",
      "shop",
      "--release",
      "1.0.0",
      "--server",
      wharf.url,
      "--license",
      stable,
      "-o",
      out,
    ]);
    assert.match(resumed, new RegExp(`\\(${size - half} bytes this run\\)`));
    assert.match(resumed, /ok .*2 image\(s\)/);
    assert.equal((await stat(out)).size, size);
    assert.match(await cli.ok(["airgap", "verify", out]), /^ok /);
    await cli.ok(["airgap", "push", out, "--to", `${customer.host}/c`, "--insecure"]);
    for (const [repo, tag, digest] of [
      ["c/acme/api", "1.0", externalImage.amd64.digest],
      ["c/shop/worker", "2.0", worker.amd64.digest],
    ] as const) {
      const res = await fetch(`http://${customer.host}/v2/${repo}/manifests/${tag}`, {
        method: "HEAD",
        headers: { accept: `${mediaTypes.ociManifest}, ${mediaTypes.ociIndex}` },
      });
      assert.equal(res.status, 200, `${repo}:${tag}`);
      assert.equal(res.headers.get("docker-content-digest"), digest, `${repo}:${tag} has the release's digest`);
    }
  });

  test("building twice reuses the first result; concurrent requests build once", async () => {
    const authorization = basicAuth(stable, stable);
    const first = await fetch(bundleUrl("1.0.0"), { method: "HEAD", headers: { authorization } });
    const whole = await fetch(bundleUrl("1.0.0"), { headers: { authorization } });
    assert.equal(whole.status, 200);
    const bytes = Buffer.from(await whole.arrayBuffer());
    assert.equal(whole.headers.get("etag"), first.headers.get("etag"), "the same file, not a rebuild");
    assert.deepEqual(bytes, await readFile(join(work, "shop-1.0.0.tar")));
    const betaAuth = basicAuth(beta, beta);
    const answers = await Promise.all(
      [1, 2, 3].map(() => fetch(bundleUrl("1.1.0"), { method: "HEAD", headers: { authorization: betaAuth } })),
    );
    assert.deepEqual(
      answers.map((a) => a.status),
      [200, 200, 200],
    );
    assert.equal(new Set(answers.map((a) => a.headers.get("etag"))).size, 1, "one build served all three");
    const cached = join(wharf.dataDir, "release-bundles", "shop");
    assert.equal((await stat(join(cached, "1.1.0.tar"))).size, Number(answers[0]!.headers.get("content-length")));
    await assert.rejects(stat(join(cached, "1.1.0.tar.partial")), "no partial file is left");
    const audit = await api.expect(200, "GET", "/audit?since=1h&limit=1000", { as: admin });
    const events = audit.body.events.map((e: { actor: string; action: string; target: string }) =>
      [e.actor, e.action, e.target].join(" "),
    );
    assert.ok(events.includes("vendor release.create release:shop/1.0.0"), events.join("\n"));
    assert.ok(events.includes("license:initech release.bundle release:shop/1.1.0"), events.join("\n"));
  });

  const readDescription = async (path: string) => (await openBundle(path)).description;

  test("a delta against a release the customer has: only what that release lacks; pushed without it, refused naming it", async () => {
    await cli.ok([
      "release",
      "create",
      "1.2.0",
      "--app",
      "shop",
      "-f",
      join(work, "images.yaml"),
      "--channel",
      "stable",
    ]);
    const delta = join(work, "shop-1.2.0-delta.tar");
    const args = ["airgap", "build", "--app", "shop", "--release", "1.2.0", "--server", wharf.url, "--license", stable];
    await cli.ok([...args, "--since-release", "1.0.0", "-o", delta]);
    const description = await readDescription(delta);
    assert.equal(description.deltaOf?.release, "1.0.0");
    assert.ok(description.deltaOf?.blobs.includes(externalImage.layer.digest), "the shared layer is left to 1.0.0");
    assert.equal(description.blobs[externalImage.layer.digest], undefined, "the shared layer is not in the delta");
    assert.equal(description.blobs[externalImage.index.digest], externalImage.index.bytes.length);
    const full = join(work, "shop-1.2.0.tar");
    await cli.ok([...args, "-o", full]);
    assert.ok((await stat(delta)).size < (await stat(full)).size, "the delta is smaller than the full bundle");
    const unseen = await fetch(`${bundleUrl("1.2.0")}?since-release=1.1.0`, {
      headers: { authorization: basicAuth(stable, stable) },
    });
    assert.equal(unseen.status, 404, "a base release of another channel is not found");
    const self = await fetch(`${bundleUrl("1.2.0")}?since-release=1.2.0`, {
      headers: { authorization: basicAuth(stable, stable) },
    });
    assert.equal(self.status, 400);
    const fresh = await startDistribution();
    try {
      const refused = await cli.fails(["airgap", "push", delta, "--to", `${fresh.host}/c`, "--insecure"]);
      assert.match(
        refused,
        /delta bundle on top of shop release 1\.0\.0.*push the bundle of shop release 1\.0\.0 first/s,
      );
      const catalog = (await (await fetch(`http://${fresh.host}/v2/_catalog`)).json()) as { repositories: string[] };
      assert.deepEqual(catalog.repositories, [], "nothing was pushed");
      await cli.ok(["airgap", "push", join(work, "shop-1.0.0.tar"), "--to", `${fresh.host}/c`, "--insecure"]);
      await cli.ok(["airgap", "push", delta, "--to", `${fresh.host}/c`, "--insecure"]);
      const res = await fetch(`http://${fresh.host}/v2/c/acme/api/manifests/1.0`, {
        headers: { accept: mediaTypes.ociIndex },
      });
      assert.equal(res.headers.get("docker-content-digest"), externalImage.index.digest);
      for (const child of [externalImage.amd64, externalImage.arm64]) {
        const head = await fetch(`http://${fresh.host}/v2/c/acme/api/manifests/${child.digest}`, {
          method: "HEAD",
          headers: { accept: mediaTypes.ociManifest },
        });
        assert.equal(head.status, 200, `${child.digest} is complete in the customer's registry`);
      }
    } finally {
      await fresh.stop();
    }
  });

  test("a delta built by the CLI against a release: the session's Wharf names the release's blobs", async () => {
    const auth = Buffer.from(`${testUser.username}:${testUser.password}`).toString("base64");
    await writeFile(join(work, "auth.json"), JSON.stringify({ auths: { [external.host]: { auth } } }));
    const out = join(work, "cli-delta.tar");
    const printed = await cli.ok([
      "airgap",
      "build",
      "--image",
      `${external.host}/acme/api:1.0`,
      "--app",
      "shop",
      "--release",
      "1.2.0",
      "--since-release",
      "1.0.0",
      "--authfile",
      join(work, "auth.json"),
      "--insecure-registry",
      external.host,
      "-o",
      out,
    ]);
    assert.match(printed, /delta: \d+ blobs left to the base, release 1\.0\.0/);
    const description = await readDescription(out);
    assert.equal(description.deltaOf?.release, "1.0.0");
    assert.ok(description.deltaOf?.blobs.includes(externalImage.layer.digest));
    assert.equal(description.blobs[externalImage.layer.digest], undefined);
    const missing = await cli.fails([
      "airgap",
      "build",
      "--image",
      `${external.host}/acme/api:1.0`,
      "--app",
      "shop",
      "--since-release",
      "9.9.9",
      "-o",
      join(work, "never.tar"),
    ]);
    assert.match(missing, /release 9\.9\.9 of shop: .*has no release "9\.9\.9"/);
  });

  test("a server-built bundle of some platforms keeps only them, as the CLI's --platform does", async () => {
    const out = join(work, "shop-1.2.0-arm64.tar");
    await cli.ok([
      "airgap",
      "build",
      "--app",
      "shop",
      "--release",
      "1.2.0",
      "--server",
      wharf.url,
      "--license",
      stable,
      "--platform",
      "linux/arm64",
      "-o",
      out,
    ]);
    const description = await readDescription(out);
    const apiImage = description.images.find((i) => i.reference.endsWith("/acme/api:1.0"))!;
    assert.equal(
      apiImage.digest,
      externalImage.arm64.digest,
      "one platform left: the image is that platform's manifest",
    );
    assert.equal(description.blobs[externalImage.amd64.digest], undefined, "the amd64 manifest is not in it");
    assert.equal(description.blobs[externalImage.index.digest], undefined);
    const own = description.images.find((i) => i.reference.endsWith("/shop/worker:2.0"))!;
    assert.equal(own.digest, worker.amd64.digest, "a single-platform image is kept as it is");
    const bad = await fetch(`${bundleUrl("1.2.0")}?platform=linux`, {
      headers: { authorization: basicAuth(stable, stable) },
    });
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /write os\/architecture\[\/variant\], as in linux\/amd64/);
    const unknown = await fetch(`${bundleUrl("1.2.0")}?platfrom=linux/amd64`, {
      headers: { authorization: basicAuth(stable, stable) },
    });
    assert.equal(unknown.status, 400);
    assert.match(await unknown.text(), /unknown query parameter \\"platfrom\\"/);
  });

  test("a license's bundle carries the app's chart rendered for that license; push puts it in the customer's registry", async () => {
    const chart = buildChart({ name: "shop", version: "1.2.0", values: "replicas: 1\n" });
    const scope: [string, string][] = [
      ["service", "wharf"],
      ["scope", "repository:shop/charts/shop:pull,push"],
    ];
    const token = (await tokenBody(await requestToken(wharf.url, scope, basicAuth(...vendor)))).token;
    const target = { host: wharf.host, authorization: bearerAuth(token) };
    for (const blob of [chart.config, ...chart.layers]) await pushBlob(target, "shop/charts/shop", blob.bytes);
    await pushManifest(target, "shop/charts/shop", "1.2.0", chart.manifest.bytes, mediaTypes.ociManifest);
    const bundles: Record<string, string> = {};
    for (const [who, license] of [
      ["globex", stable],
      ["initech", beta],
    ] as const) {
      const version = who === "globex" ? "1.2.0" : "1.1.0";
      bundles[who] = join(work, `${who}-${version}.tar`);
      await cli.ok([
        "airgap",
        "build",
        "--app",
        "shop",
        "--release",
        version,
        "--server",
        wharf.url,
        "--license",
        license,
        "-o",
        bundles[who]!,
      ]);
    }
    const valuesOf = async (path: string) => {
      const bundle = await openBundle(path);
      const entry = bundle.description.images.find((i) => i.kind === "chart");
      assert.ok(entry, "the bundle holds a chart");
      assert.equal(entry.reference, `${wharf.host}/shop/charts/shop:1.2.0`);
      const manifest = JSON.parse(bundle.manifests.get(entry.digest)!.bytes.toString("utf8"));
      assert.equal(manifest.config.digest, chart.config.digest, "the vendor's Chart.yaml config");
      const chunks: Buffer[] = [];
      for await (const chunk of bundle.open(manifest.layers[0].digest)) chunks.push(chunk as Buffer);
      const values = parseYaml(unpackChart(Buffer.concat(chunks)).get("shop/values.yaml")!);
      return { entry, values };
    };
    const globex = await valuesOf(bundles.globex!);
    assert.equal(globex.values.replicas, 1, "the vendor's values are kept");
    assert.equal(globex.values.global.wharf.customerName, "globex");
    assert.equal(globex.values.global.wharf.licenseId, handles.globex);
    assert.equal(globex.values.global.wharf.channel, "stable");
    const initech = await valuesOf(bundles.initech!);
    assert.equal(initech.values.global.wharf.licenseId, handles.initech);
    assert.equal(initech.values.global.wharf.channel, "beta");
    assert.notEqual(initech.entry.digest, globex.entry.digest, "each license its own rendering");
    assert.ok(!JSON.stringify(initech.values).includes("globex"), "nothing of the other license");
    const fresh = await startDistribution();
    try {
      const pushed = await cli.ok(["airgap", "push", bundles.globex!, "--to", `${fresh.host}/c`, "--insecure"]);
      assert.match(
        pushed,
        /pushed chart .*shop\/charts\/shop:1\.2\.0 -> .*\/c\/shop\/charts\/shop:1\.2\.0 \(helm install/,
      );
      assert.doesNotMatch(pushed.split("# kustomization.yaml")[1]!, /charts\/shop/, "charts are not images");
      const res = await fetch(`http://${fresh.host}/v2/c/shop/charts/shop/manifests/1.2.0`, {
        headers: { accept: mediaTypes.ociManifest },
      });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("docker-content-digest"), globex.entry.digest, "the license's rendering");
    } finally {
      await fresh.stop();
    }
  });

  test("bundle downloads are in the license's pull records: release, bytes, when", async () => {
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const json = JSON.parse(
      await cli.ok(["license", "pulls", handles.globex!, "--app", "shop", "--since", since, "--output", "json"]),
    ) as { pulls: { at: string; kind: string; repository: string; reference: string; bytes: number }[] };
    const bundles = json.pulls.filter((p) => p.kind === "bundle");
    const full = (await stat(join(work, "shop-1.0.0.tar"))).size;
    assert.ok(
      bundles.some((p) => p.repository === "shop" && p.reference === "1.0.0" && p.bytes === full),
      `a whole download of 1.0.0 (${full} bytes) is recorded: ${JSON.stringify(bundles)}`,
    );
    assert.ok(
      bundles.some((p) => p.reference === "1.0.0" && p.bytes > 0 && p.bytes < full),
      "a ranged (resumed) download records the bytes it sent",
    );
    assert.ok(bundles.some((p) => p.reference === "1.2.0"));
    assert.ok(bundles.every((p) => !Number.isNaN(Date.parse(p.at))));
    const table = await cli.ok(["license", "pulls", handles.globex!, "--app", "shop", "--since", since]);
    assert.match(table, /bundle +shop release 1\.2\.0/);
    const theirs = JSON.parse(
      await cli.ok(["license", "pulls", handles.initech!, "--app", "shop", "--since", since, "--output", "json"]),
    ) as { pulls: { kind: string; reference: string }[] };
    assert.ok(theirs.pulls.filter((p) => p.kind === "bundle").every((p) => p.reference !== "1.2.0"));
  });
});
