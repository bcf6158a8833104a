/**
 * `wharf rewrite` as a customer runs it, probing real registries on
 * loopback: a Wharf with a public and a private repository (auth on), a
 * Distribution registry without the image (missing), a closed port
 * (unreachable) and a server answering 429 (rate-limited). Missing,
 * unreachable and rate-limited images stop the rewrite with their reasons
 * unless --allow-unverified; only the private image is proxied; the overlay
 * renders with `kubectl kustomize`; the post-renderer gives the same images.
 */
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parseAllDocuments } from "yaml";
import {
  type DistributionServer,
  distributionUnavailable,
  startDistribution,
} from "../src/registry-client/testing/distribution-server.ts";
import { pushManifest, pushTestImage } from "../src/registry-client/testing/test-image.ts";
import { createManagementClient } from "./support/management-client.ts";
import { basicAuth } from "./support/registry-auth.ts";
import { runOk } from "./support/run-command.ts";
import { adminPassword, useWharf } from "./support/start-wharf.ts";
import { createWharfCli, describeRun } from "./support/wharf-cli.ts";

const license = "wharf_lic_clitest00000000000000000000000000000";

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

function images(text: string): string[] {
  const found: string[] = [];
  for (const doc of parseAllDocuments(text)) {
    const r = doc.toJS() as { kind?: string; spec?: { template?: { spec?: { containers?: { image: string }[] } } } };
    for (const c of r?.spec?.template?.spec?.containers ?? []) found.push(c.image);
  }
  return found.sort();
}

describe("wharf rewrite against real registries", { skip: distributionUnavailable() }, () => {
  const wharf = useWharf({ auth: true });
  let distribution: DistributionServer;
  let limited: Server;
  let closedPort: number;
  let limitedPort: number;
  let work: string;
  let via: string; // Wharf under another spelling, so its images are not "vendor"
  const cli = () => createWharfCli(join(work, "cli"));

  before(async () => {
    work = await mkdtemp(join(tmpdir(), "wharf-rewrite-cli-"));
    distribution = await startDistribution();
    limited = createServer((_req, res) => res.writeHead(429, { "retry-after": "120" }).end());
    limitedPort = await listen(limited);
    const closed = createServer();
    closedPort = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const host = new URL(wharf.url).host;
    via = host.replace("127.0.0.1", "localhost");
    const authorization = basicAuth("admin", adminPassword);
    await pushTestImage({ host, authorization }, "admin/public-img", ["1.0"]);
    await pushTestImage({ host, authorization }, "admin/private-img", ["2.0"]);
    await pushTestImage({ host, authorization }, "admin/tool", ["3.0"]);
    await cli().ok(["login", wharf.url, "-u", "admin", "--password-stdin"], adminPassword);
    await cli().ok(["repo", "set-visibility", "admin/public-img", "public"]);
  });
  after(async () => {
    await distribution?.stop();
    limited?.close();
    await rm(work, { recursive: true, force: true });
  });

  async function manifests(name: string, list: readonly string[]): Promise<string> {
    const dir = join(work, name);
    await mkdir(dir, { recursive: true });
    const docs = list.map(
      (image, i) =>
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: w${i}\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          image: ${image}\n`,
    );
    await writeFile(join(dir, "app.yaml"), docs.join("---\n"));
    return dir;
  }

  const common = () => {
    const wharfHost = new URL(wharf.url).host;
    return [
      "--app",
      "shop",
      "--license",
      license,
      "--proxy",
      wharfHost,
      "--insecure-registry",
      via,
      "--insecure-registry",
      distribution.host,
      "--insecure-registry",
      wharfHost,
      "--insecure-registry",
      `127.0.0.1:${closedPort}`,
      "--insecure-registry",
      `127.0.0.1:${limitedPort}`,
      "--upstream",
      `${via}=wharf2`,
    ];
  };

  test("classifies public, private, vendor, missing, unreachable and rate-limited images", async () => {
    const wharfHost = new URL(wharf.url).host;
    const input = await manifests("all-kinds", [
      `${via}/admin/public-img:1.0`,
      `${via}/admin/private-img:2.0`,
      `${wharfHost}/admin/tool:3.0`,
      `${distribution.host}/nobody/missing:1`,
      `127.0.0.1:${closedPort}/x/y:1`,
      `127.0.0.1:${limitedPort}/x/y:1`,
    ]);
    const args = ["rewrite", input, "-o", join(work, "out-all"), ...common(), "--json"];
    const run = await cli().run(args);
    assert.equal(run.code, 1, describeRun(args, run));
    const report = JSON.parse(run.stdout) as { images: { image: string; class: string }[] };
    const classes = Object.fromEntries(report.images.map((r) => [r.image.split("/").slice(1).join("/"), r.class]));
    assert.deepEqual(classes, {
      "admin/public-img:1.0": "public",
      "admin/private-img:2.0": "private",
      "admin/tool:3.0": "vendor",
      "nobody/missing:1": "missing",
      "x/y:1": classes["x/y:1"],
    });
    const byImage = Object.fromEntries(report.images.map((r) => [r.image, r.class]));
    assert.equal(byImage[`127.0.0.1:${closedPort}/x/y:1`], "unreachable");
    assert.equal(byImage[`127.0.0.1:${limitedPort}/x/y:1`], "rate-limited");
    assert.match(run.stderr, /3 image\(s\) cannot be verified, so nothing was written/, run.stderr);
    assert.match(run.stderr, /--allow-unverified/);
    await assert.rejects(readFile(join(work, "out-all", "kustomization.yaml")), "nothing is written");
  });

  test("with --allow-unverified only the private image is proxied, and kubectl kustomize renders the overlay", async () => {
    const wharfHost = new URL(wharf.url).host;
    const input = await manifests("allowed", [
      `${via}/admin/public-img:1.0`,
      `${via}/admin/private-img:2.0`,
      `${wharfHost}/admin/tool:3.0`,
      `${distribution.host}/nobody/missing:1`,
    ]);
    const out = join(work, "out-allowed");
    await cli().ok(["rewrite", input, "-o", out, ...common(), "--allow-unverified", "--additional-namespace", "tools"]);
    const rendered = await runOk("/usr/bin/kubectl", ["kustomize", out]);
    assert.deepEqual(
      images(rendered),
      [
        `${via}/admin/public-img:1.0`,
        `${wharfHost}/admin/tool:3.0`,
        `${wharfHost}/proxy/shop/wharf2/admin/private-img:2.0`,
        `${distribution.host}/nobody/missing:1`,
      ].sort(),
    );
    const secrets = parseAllDocuments(rendered)
      .map((d) => d.toJS())
      .filter((r) => r?.kind === "Secret");
    assert.deepEqual(secrets.map((s) => s.metadata.namespace).sort(), ["default", "tools"]);
    const config = JSON.parse(Buffer.from(secrets[0].data[".dockerconfigjson"], "base64").toString());
    assert.deepEqual(Object.keys(config.auths), [wharfHost]);
    assert.equal(config.auths[wharfHost].username, license);
  });

  test("--post-renderer reads stdin and writes the same images to stdout, the report to stderr", async () => {
    const wharfHost = new URL(wharf.url).host;
    const input = await manifests("stdin", [`${via}/admin/private-img:2.0`, `${wharfHost}/admin/tool:3.0`]);
    const text = await readFile(join(input, "app.yaml"), "utf8");
    const stdout = await cli().ok(["rewrite", "--post-renderer", ...common()], text);
    assert.deepEqual(
      images(stdout),
      [`${wharfHost}/admin/tool:3.0`, `${wharfHost}/proxy/shop/wharf2/admin/private-img:2.0`].sort(),
    );
    assert.ok(parseAllDocuments(stdout).some((d) => d.toJS()?.kind === "Secret"));
  });

  test("--pin replaces a public image's tag by the digest it points at now", async () => {
    const input = await manifests("pin", [`${via}/admin/public-img:1.0`]);
    const out = join(work, "out-pin");
    await cli().ok(["rewrite", input, "-o", out, ...common(), "--pin"]);
    const rendered = await runOk("/usr/bin/kubectl", ["kustomize", out]);
    assert.match(images(rendered)[0]!, new RegExp(`^${via}/admin/public-img@sha256:[0-9a-f]{64}$`));
  });

  test("--pin warns when a tag moved since the application's last release", async () => {
    const wharfHost = new URL(wharf.url).host;
    const api = createManagementClient(wharf.url);
    const as = ["admin", adminPassword] as const;
    await api.expect(201, "POST", "/orgs", { as, body: { name: "vend" } });
    await api.expect(201, "POST", "/orgs/vend/apps", { as, body: { slug: "shop" } });
    const target = { host: wharfHost, authorization: basicAuth(...as) };
    const image = await pushTestImage(target, "shop/tool", ["1.0"]);
    const release = { version: "1.0", images: [{ name: "tool", source: "shop", tag: "1.0" }] };
    await api.expect(201, "POST", "/apps/shop/releases", { as, body: release });
    await api.expect(201, "POST", "/apps/shop/customers", { as, body: { name: "globex" } });
    const created = await api.expect(201, "POST", "/apps/shop/licenses", { as, body: { customer: "globex" } });
    const shopLicense = (created.body as { licenseId: string }).licenseId;
    const input = await manifests("drift", [`${wharfHost}/shop/tool:1.0`]);
    const args = ["rewrite", input, "-o", join(work, "out-drift"), "--app", "shop", "--license", shopLicense];
    const hostArgs = ["--proxy", wharfHost, "--insecure-registry", wharfHost, "--pin"];
    const unmoved = await cli().run([...args, ...hostArgs]);
    assert.equal(unmoved.code, 0, describeRun(args, unmoved));
    assert.doesNotMatch(unmoved.stderr, /moved since release/);
    // The vendor moves the tag after the release: the next pinned rewrite says so.
    await pushManifest(target, "shop/tool", "1.0", image.arm64.bytes, "application/vnd.oci.image.manifest.v1+json");
    const moved = await cli().run([...args.slice(0, 3), join(work, "out-drift-2"), ...args.slice(4), ...hostArgs]);
    assert.equal(moved.code, 0, describeRun(args, moved));
    assert.match(
      moved.stderr,
      new RegExp(`tag 1\\.0 moved since release 1\\.0 \\(released ${image.amd64.digest}, now ${image.arm64.digest}\\)`),
    );
  });

  test("airgap mode rewrites every image to the customer's registry without probing and warns about Always", async () => {
    const input = join(work, "airgap");
    await mkdir(input, { recursive: true });
    await writeFile(
      join(input, "a.yaml"),
      "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - {name: a, image: nginx, imagePullPolicy: Always}\n    - {name: b, image: 'quay.io/acme/api:1'}\n",
    );
    const out = join(work, "out-airgap");
    const run = await cli().run([
      "rewrite",
      input,
      "-o",
      out,
      "--app",
      "shop",
      "--registry",
      "registry.corp:5000/shop",
    ]);
    assert.equal(run.code, 0, describeRun([], run));
    assert.match(run.stderr, /imagePullPolicy: Always/);
    assert.match(run.stderr, /nginx has no tag/);
    const rendered = await runOk("/usr/bin/kubectl", ["kustomize", out]);
    const pod = parseAllDocuments(rendered)[0]!.toJS();
    assert.deepEqual(
      pod.spec.containers.map((c: { image: string }) => c.image),
      ["registry.corp:5000/shop/nginx", "registry.corp:5000/shop/acme/api:1"],
    );
  });

  test("usage errors say what to change", async () => {
    const input = await manifests("usage", ["quay.io/acme/api:1"]);
    assert.match(await cli().fails(["rewrite", input, "--app", "shop", "--proxy", "h"]), /-o <dir>/);
    assert.match(
      await cli().fails(["rewrite", input, "-o", join(work, "o"), "--app", "shop", "--proxy", "h"]),
      /--license/,
    );
    assert.match(
      await cli().fails([
        "rewrite",
        input,
        "-o",
        join(input, "sub"),
        "--app",
        "shop",
        "--license",
        license,
        "--proxy",
        "h",
      ]),
      /inside the input folder/,
    );
    assert.match(
      await cli().fails([
        "rewrite",
        join(work, "nope"),
        "-o",
        join(work, "o"),
        "--app",
        "shop",
        "--license",
        license,
        "--proxy",
        "h",
      ]),
      /is not a folder/,
    );
  });
});
