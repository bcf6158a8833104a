/**
 * @module
 * Helm charts for customers, end to end on the real server with accounts:
 * the vendor pushes a chart artifact built as `helm package` + `helm push`
 * would (test/support/helm-chart.ts) with skopeo; customers pull it with
 * skopeo through their license (`<app>/<channel>/<chart>` and `<app>/<chart>`;
 * the license id or the customer's e-mail as username) and unpack it:
 * - values.yaml carries `global.wharf` with that license's own data (its
 *   pull secret included), and nothing of another customer's;
 * - a second license gets other values and another digest; the same
 *   license twice the same digest; the vendor still gets the original;
 * - images in the same namespace pass through unchanged;
 * - a license asking for another channel's path, a revoked license and a
 *   license of another application are refused; the original chart
 *   manifest is not served to a license by digest.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parse } from "yaml";
import { type ClientSandbox, createClientSandbox, isAuthError } from "./support/container-clients.ts";
import { buildChart, helmMediaTypes, unpackChart } from "./support/helm-chart.ts";
import { type Credentials, createManagementClient } from "./support/management-client.ts";
import { buildImage, readOciLayout, taggedDescriptor, writeOciLayout } from "./support/oci-layout.ts";
import { basicAuth, bearerAuth, requestToken, tokenBody } from "./support/registry-auth.ts";
import { adminPassword, removeDataDir, startWharf, type WharfProcess } from "./support/start-wharf.ts";

const vendor: Credentials = ["vendor", "vendor-password-1"];
const admin: Credentials = ["admin", adminPassword];
const chart = buildChart({
  name: "web",
  version: "1.0.0",
  appVersion: "2.3.4",
  description: "The web tier",
  values: "# how many replicas\nreplicas: 2\nglobal:\n  env: prod\n",
  templates: { "deployment.yaml": "kind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n" },
});
const image = buildImage({ architecture: "amd64", layers: [[{ name: "etc/app.conf", content: "x = 1\n" }]] });

let wharf: WharfProcess;
let api: ReturnType<typeof createManagementClient>;
let box: ClientSandbox;
let scratch: string;
/** Secret license ids and public handles by customer. */
const licenses: Record<string, { id: string; handle: string }> = {};
let pulls = 0;

async function license(app: string, customer: string, channel?: string): Promise<void> {
  const body = { customer, ...(channel && { channel }) };
  const created = await api.expect(201, "POST", `/apps/${app}/licenses`, { as: vendor, body });
  licenses[customer] = { id: created.body.licenseId, handle: created.body.id };
  api.secret(created.body.licenseId);
}

/** skopeo copy of `reference` with `customer`'s license into a fresh layout; its contents and the pulled manifest's digest. */
async function pull(customer: string, reference: string, username?: string) {
  const { id } = licenses[customer]!;
  const dir = join(scratch, `pull-${pulls++}`);
  await box.skopeoOk([
    "copy",
    "--src-tls-verify=false",
    "--src-creds",
    `${username ?? id}:${id}`,
    `docker://${wharf.host}/${reference}`,
    `oci:${dir}:pulled`,
  ]);
  const contents = await readOciLayout(dir);
  const digest = taggedDescriptor(contents, "pulled")!.digest;
  return { contents, digest };
}

/** The values.yaml of the chart pulled as `customer`, parsed, with the manifest digest and raw archive. */
async function pullValues(customer: string, reference: string) {
  const { contents, digest } = await pull(customer, reference);
  const manifest = JSON.parse(contents.blobs.get(digest)!.toString("utf8"));
  assert.equal(manifest.config.mediaType, helmMediaTypes.config);
  assert.equal(manifest.config.digest, chart.config.digest, "the Chart.yaml config is the vendor's");
  assert.deepEqual(manifest.annotations, JSON.parse(chart.manifest.bytes.toString("utf8")).annotations);
  const archive = contents.blobs.get(manifest.layers[0].digest)!;
  const files = unpackChart(archive);
  return { digest, archive, files, values: parse(files.get("web/values.yaml")!) };
}

before(async () => {
  wharf = await startWharf({ auth: true, env: { WHARF_ACCOUNTS__ORGANIZATION_CREATION: "everyone" } });
  api = createManagementClient(wharf.url);
  box = await createClientSandbox("wharf-helm-box-");
  scratch = await mkdtemp(join(tmpdir(), "wharf-helm-"));
  await api.expect(201, "POST", "/users", { as: admin, body: { name: vendor[0], password: vendor[1] } });
  await api.expect(201, "POST", "/orgs", { as: vendor, body: { name: "acme" } });
  for (const slug of ["myapp", "otherapp"]) {
    await api.expect(201, "POST", "/orgs/acme/apps", { as: vendor, body: { slug } });
  }
  const customers = [
    ["myapp", "globex", "ops@globex.example"],
    ["myapp", "initech", "it@initech.example"],
    ["myapp", "hooli", "admin@hooli.example"],
    ["otherapp", "umbrella", "it@umbrella.example"],
  ] as const;
  for (const [app, name, email] of customers) {
    await api.expect(201, "POST", `/apps/${app}/customers`, { as: vendor, body: { name, email } });
  }
  await license("myapp", "globex");
  await license("myapp", "initech", "beta");
  await license("myapp", "hooli");
  await license("otherapp", "umbrella");
  const source = join(scratch, "source");
  await writeOciLayout(source, [
    { tag: "chart", item: chart },
    { tag: "image", item: image },
  ]);
  const push = (tag: string, target: string) =>
    box.skopeoOk([
      "copy",
      "--preserve-digests",
      "--dest-tls-verify=false",
      "--dest-creds",
      vendor.join(":"),
      `oci:${source}:${tag}`,
      `docker://${wharf.host}/${target}`,
    ]);
  await push("chart", "myapp/web:1.0.0");
  await push("chart", "otherapp/web:1.0.0");
  await push("image", "myapp/img:1.0");
});

after(async () => {
  await wharf?.stop();
  if (wharf) await removeDataDir(wharf.dataDir);
  await box?.remove();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe("charts delivered per license", () => {
  test("a license's chart has its own values injected; the vendor's values, templates and comments are kept", async () => {
    const globex = await pullValues("globex", "myapp/stable/web:1.0.0");
    const { dockerconfigjson, ...wharfValues } = globex.values.global.wharf;
    const id = licenses.globex!.id;
    assert.deepEqual(JSON.parse(Buffer.from(dockerconfigjson, "base64").toString("utf8")), {
      auths: {
        [wharf.host]: { username: id, password: id, auth: Buffer.from(`${id}:${id}`).toString("base64") },
      },
    });
    assert.deepEqual(
      { ...globex.values, global: { ...globex.values.global, wharf: wharfValues } },
      {
        replicas: 2,
        global: {
          env: "prod",
          wharf: {
            customerName: "globex",
            customerEmail: "ops@globex.example",
            licenseId: licenses.globex!.handle,
            expiresAt: "",
            channel: "stable",
            entitlements: ["myapp/*"],
            licenseFields: {},
            imageRegistry: wharf.host,
            proxyPrefix: `${wharf.host}/proxy/myapp`,
            appPrefix: `${wharf.host}/myapp`,
          },
        },
      },
    );
    assert.match(globex.files.get("web/values.yaml")!, /# how many replicas/);
    assert.equal(
      globex.files.get("web/templates/deployment.yaml"),
      chart.layers[0] && unpackChart(chart.layers[0].bytes).get("web/templates/deployment.yaml"),
    );
    const text = [...globex.files.values(), Buffer.from(dockerconfigjson, "base64").toString("utf8")].join("\n");
    for (const other of ["initech", "hooli", "umbrella"]) {
      assert.ok(!text.includes(other) && !text.includes(licenses[other]!.id), `nothing of ${other}`);
    }
    assert.notEqual(globex.digest, chart.manifest.digest);
  });

  test("another license gets its own values and digest; the same license the same digest on every path", async () => {
    const globex = await pullValues("globex", "myapp/stable/web:1.0.0");
    const again = await pullValues("globex", "myapp/web:1.0.0");
    assert.equal(again.digest, globex.digest);
    const byEmail = await pull("globex", "myapp/stable/web:1.0.0", "OPS@globex.example");
    assert.equal(byEmail.digest, globex.digest, "the customer's e-mail as username (helm registry login)");
    assert.deepEqual(again.archive, globex.archive);
    const initech = await pullValues("initech", "myapp/beta/web:1.0.0");
    assert.notEqual(initech.digest, globex.digest);
    assert.equal(initech.values.global.wharf.customerName, "initech");
    assert.equal(initech.values.global.wharf.customerEmail, "it@initech.example");
    assert.equal(initech.values.global.wharf.channel, "beta");
    assert.equal(initech.values.global.wharf.licenseId, licenses.initech!.handle);
    assert.doesNotMatch([...initech.files.values()].join("\n"), /globex/);
  });

  test("the vendor still pulls the original chart; images pass through unchanged for licenses", async () => {
    const dir = join(scratch, "vendor-pull");
    await box.skopeoOk([
      "copy",
      "--src-tls-verify=false",
      "--src-creds",
      vendor.join(":"),
      `docker://${wharf.host}/myapp/web:1.0.0`,
      `oci:${dir}:pulled`,
    ]);
    assert.equal(taggedDescriptor(await readOciLayout(dir), "pulled")!.digest, chart.manifest.digest);
    assert.equal((await pull("globex", "myapp/img:1.0")).digest, image.manifest.digest);
    assert.equal((await pull("globex", "myapp/stable/img:1.0")).digest, image.manifest.digest);
  });

  test("a license does not get the original chart by digest, nor a rendering of another license by digest", async () => {
    const { id } = licenses.globex!;
    const scope = "repository:myapp/web:pull";
    const token = await tokenBody(await requestToken(wharf.url, [["scope", scope]], basicAuth(id, id)));
    const get = (reference: string) =>
      fetch(`${wharf.url}/v2/myapp/web/manifests/${reference}`, {
        headers: { authorization: bearerAuth(token.token), accept: "application/vnd.oci.image.manifest.v1+json" },
      });
    const byTag = await get("1.0.0");
    assert.equal(byTag.status, 200);
    const own = byTag.headers.get("docker-content-digest")!;
    await byTag.arrayBuffer();
    assert.equal((await get(own)).status, 200, "its own rendering by digest");
    const original = await get(chart.manifest.digest);
    assert.equal(original.status, 404);
    assert.match(await original.text(), /MANIFEST_UNKNOWN/);
    const initech = (await pullValues("initech", "myapp/beta/web:1.0.0")).digest;
    assert.equal((await get(initech)).status, 404, "another license's rendering is not there");
  });

  test("another channel's path, a revoked license and a license of another app are refused", async () => {
    const { id } = licenses.globex!;
    const otherChannel = await box.skopeo([
      "inspect",
      "--raw",
      "--tls-verify=false",
      "--creds",
      `${id}:${id}`,
      `docker://${wharf.host}/myapp/beta/web:1.0.0`,
    ]);
    assert.notEqual(otherChannel.code, 0);
    assert.match(otherChannel.stderr, /unknown|not found|denied/i);

    const wrongEmail = await box.skopeo([
      "inspect",
      "--raw",
      "--tls-verify=false",
      "--creds",
      `it@initech.example:${id}`,
      `docker://${wharf.host}/myapp/stable/web:1.0.0`,
    ]);
    assert.ok(isAuthError(wrongEmail), `another customer's e-mail with this id: ${wrongEmail.stderr}`);

    const umbrella = licenses.umbrella!;
    const foreign = await box.skopeo([
      "inspect",
      "--raw",
      "--tls-verify=false",
      "--creds",
      `${umbrella.id}:${umbrella.id}`,
      `docker://${wharf.host}/myapp/stable/web:1.0.0`,
    ]);
    assert.notEqual(foreign.code, 0);
    assert.match(foreign.stderr, /unknown|not found|denied/i);
    // Its own app's chart it does get, with its own values.
    assert.equal(
      (await pullValues("umbrella", "otherapp/stable/web:1.0.0")).values.global.wharf.customerName,
      "umbrella",
    );

    assert.equal((await pullValues("hooli", "myapp/stable/web:1.0.0")).values.global.wharf.customerName, "hooli");
    await api.expect(200, "POST", `/apps/myapp/licenses/${licenses.hooli!.handle}/revoke`, { as: vendor });
    const hooli = licenses.hooli!;
    const revoked = await box.skopeo([
      "inspect",
      "--raw",
      "--tls-verify=false",
      "--creds",
      `${hooli.id}:${hooli.id}`,
      `docker://${wharf.host}/myapp/stable/web:1.0.0`,
    ]);
    assert.notEqual(revoked.code, 0);
    assert.ok(isAuthError(revoked), revoked.stderr);
  });

  test("a rendered chart's digests are served where it was not rendered (after a restart: rendered again, same bytes)", async () => {
    const { id } = licenses.globex!;
    const headers = { authorization: basicAuth(id, id), accept: "application/vnd.oci.image.manifest.v1+json" };
    const byTag = await fetch(`${wharf.url}/v2/myapp/web/manifests/1.0.0`, { headers });
    assert.equal(byTag.status, 200);
    const digest = byTag.headers.get("docker-content-digest")!;
    const content = Buffer.from(await byTag.arrayBuffer());
    const layer = JSON.parse(content.toString("utf8")).layers[0].digest as string;
    // A fresh process holds no rendering: another worker of server.workers, another node, or a restart.
    // Same port: the rendering names the registry host the license pulls through.
    await wharf.stop();
    wharf = await startWharf({
      auth: true,
      dataDir: wharf.dataDir,
      args: ["--listen", wharf.host],
      env: { WHARF_ACCOUNTS__ORGANIZATION_CREATION: "everyone" },
    });
    const blob = await fetch(`${wharf.url}/v2/myapp/web/blobs/${layer}`, { headers });
    assert.equal(blob.status, 200);
    const bytes = Buffer.from(await blob.arrayBuffer());
    assert.equal(`sha256:${createHash("sha256").update(bytes).digest("hex")}`, layer);
    const byDigest = await fetch(`${wharf.url}/v2/myapp/web/manifests/${digest}`, { headers });
    assert.equal(byDigest.status, 200);
    assert.deepEqual(Buffer.from(await byDigest.arrayBuffer()), content);
    // Still only for this license: another license of the app never gets globex's rendering by digest.
    const other = licenses.initech!.id;
    const refused = await fetch(`${wharf.url}/v2/myapp/web/blobs/${layer}`, {
      headers: { ...headers, authorization: basicAuth(other, other) },
    });
    assert.notEqual(refused.status, 200);
  });
});
