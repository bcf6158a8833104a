/**
 * @module
 * Custom license fields and signed license documents, end to end on the
 * real server: the vendor defines typed fields (CLI and API), creates a
 * license with values (`--field`), changes one (`set-field`); bad values
 * are refused with a message naming the field; `license show` shows them
 * (secret ones redacted); a chart pulled with skopeo through the license
 * carries them under `global.wharf.licenseFields`; the signed document
 * verifies offline (`wharf license verify --key`) and is refused after one
 * flipped byte. Chart channels: once chart tags are promoted, a license's
 * tag list (and pull by tag) covers only its channel's tags; the vendor
 * still sees all.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parse } from "yaml";
import { verifyLicenseDocument } from "../src/licensing/license-document.ts";
import { type ClientSandbox, createClientSandbox } from "./support/container-clients.ts";
import { buildChart, unpackChart } from "./support/helm-chart.ts";
import { type Credentials, createManagementClient } from "./support/management-client.ts";
import { readOciLayout, taggedDescriptor, writeOciLayout } from "./support/oci-layout.ts";
import { basicAuth } from "./support/registry-auth.ts";
import { adminPassword, removeDataDir, startWharf, type WharfProcess } from "./support/start-wharf.ts";
import { createWharfCli, type WharfCli } from "./support/wharf-cli.ts";

const vendor: Credentials = ["vendor", "vendor-password-1"];
const admin: Credentials = ["admin", adminPassword];
const chart = buildChart({ name: "web", version: "1.0.0", values: "replicas: 1\n", templates: {} });

let wharf: WharfProcess;
let api: ReturnType<typeof createManagementClient>;
let box: ClientSandbox;
let cli: WharfCli;
let scratch: string;
let licenseId: string;
let handle: string;

before(async () => {
  wharf = await startWharf({ auth: true, env: { WHARF_ACCOUNTS__ORGANIZATION_CREATION: "everyone" } });
  api = createManagementClient(wharf.url);
  box = await createClientSandbox("wharf-fields-box-");
  scratch = await mkdtemp(join(tmpdir(), "wharf-fields-"));
  cli = createWharfCli(join(scratch, "vendor"));
  await api.expect(201, "POST", "/users", { as: admin, body: { name: vendor[0], password: vendor[1] } });
  await api.expect(201, "POST", "/orgs", { as: vendor, body: { name: "acme" } });
  await api.expect(201, "POST", "/orgs/acme/apps", { as: vendor, body: { slug: "myapp" } });
  await api.expect(201, "POST", "/apps/myapp/customers", { as: vendor, body: { name: "globex" } });
  await cli.ok(["login", wharf.url, "-u", vendor[0], "--password-stdin"], `${vendor[1]}\n`);
  const source = join(scratch, "source");
  await writeOciLayout(source, [{ tag: "chart", item: chart }]);
  await box.skopeoOk([
    "copy",
    "--preserve-digests",
    "--dest-tls-verify=false",
    "--dest-creds",
    vendor.join(":"),
    `oci:${source}:chart`,
    `docker://${wharf.host}/myapp/web:1.0.0`,
  ]);
});

after(async () => {
  await wharf?.stop();
  if (wharf) await removeDataDir(wharf.dataDir);
  await box?.remove();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe("custom license fields", () => {
  test("the vendor defines typed fields; bad definitions are refused", async () => {
    await cli.ok(["license", "field", "define", "--app", "myapp", "--name", "seats", "--type", "integer"]);
    await cli.ok(["license", "field", "define", "--app", "myapp", "--name", "sso", "--type", "boolean"]);
    await cli.ok([
      "license",
      "field",
      "define",
      "--app",
      "myapp",
      "--name",
      "tier",
      "--type",
      "enum",
      "--choice",
      "gold",
      "--choice",
      "silver",
    ]);
    await api.expect(201, "POST", "/apps/myapp/license-fields", {
      as: vendor,
      body: { name: "apiKey", type: "secret" },
    });
    const listed = await cli.ok(["license", "field", "list", "--app", "myapp"]);
    assert.match(listed, /tier\s+enum\s+gold silver/);
    const dup = await cli.fails([
      "license",
      "field",
      "define",
      "--app",
      "myapp",
      "--name",
      "seats",
      "--type",
      "string",
    ]);
    assert.match(dup, /already has a license field seats/);
    await api.expect(400, "POST", "/apps/myapp/license-fields", { as: vendor, body: { name: "x", type: "float" } });
  });

  test("a license gets values at creation and by set-field; wrong values are refused", async () => {
    const out = await cli.ok([
      "license",
      "create",
      "--app",
      "myapp",
      "--customer",
      "globex",
      "--field",
      "seats=25",
      "--field",
      "tier=gold",
      "--field",
      "apiKey=k-123",
    ]);
    licenseId = out.trim().split("\n").at(-1)!;
    handle = (await api.expect(200, "GET", "/apps/myapp/licenses", { as: vendor })).body.licenses[0].id;
    const created = await api.expect(200, "GET", `/licenses/${handle}`, { as: vendor });
    assert.deepEqual(created.body.fields, { apiKey: "********", seats: 25, tier: "gold" });
    const bad = await cli.fails([
      "license",
      "create",
      "--app",
      "myapp",
      "--customer",
      "globex",
      "--field",
      "seats=many",
    ]);
    assert.match(bad, /field seats is an integer/);
    assert.match(await cli.fails(["license", "set-field", handle, "tier=bronze"]), /one of gold, silver/);
    assert.match(await cli.fails(["license", "set-field", handle, "colour=red"]), /no license field "colour"/);
    await cli.ok(["license", "set-field", handle, "sso=true", "seats=30"]);
    const shown = await cli.ok(["license", "show", handle]);
    assert.match(shown, /field {5}seats=30/);
    assert.match(shown, /field {5}sso=true/);
    assert.match(shown, /field {5}apiKey=\*{8}/);
    assert.doesNotMatch(shown, /k-123/);
    assert.equal(
      (await api.expect(200, "GET", "/apps/myapp/licenses", { as: vendor })).body.licenses.length,
      1,
      "the refused create made no license",
    );
  });

  test("a chart pulled with the license carries the fields, secret ones included", async () => {
    const dir = join(scratch, "pull");
    await box.skopeoOk([
      "copy",
      "--src-tls-verify=false",
      "--src-creds",
      `${licenseId}:${licenseId}`,
      `docker://${wharf.host}/myapp/web:1.0.0`,
      `oci:${dir}:pulled`,
    ]);
    const contents = await readOciLayout(dir);
    const manifest = JSON.parse(contents.blobs.get(taggedDescriptor(contents, "pulled")!.digest)!.toString("utf8"));
    const values = parse(unpackChart(contents.blobs.get(manifest.layers[0].digest)!).get("web/values.yaml")!);
    assert.deepEqual(values.global.wharf.licenseFields, { apiKey: "k-123", seats: 30, sso: true, tier: "gold" });
  });

  test("the signed document verifies offline and is refused after one flipped byte", async () => {
    const file = join(scratch, "license.jws");
    const key = join(scratch, "key.jwk");
    await cli.ok(["license", "document", handle, "--out", file]);
    await cli.ok(["license", "public-key", "--out", key]);
    const publicKey = (await fetch(`${wharf.url}/api/v1/license-signing-key`)).status;
    assert.equal(publicKey, 200, "the public key is public");
    const verified = await cli.ok(["license", "verify", file, "--key", key]);
    assert.match(verified, new RegExp(`Valid license ${handle} of globex \\(myapp\\), channel stable`));
    assert.match(verified, /field {5}seats=30/);
    const text = await readFile(file, "utf8");
    const document = verifyLicenseDocument(text, JSON.parse(await readFile(key, "utf8")));
    assert.deepEqual(document.fields, { apiKey: "k-123", seats: 30, sso: true, tier: "gold" });
    assert.equal(await cli.ok(["license", "document", handle]), text, "the same facts sign to the same text");
    const bytes = Buffer.from(text);
    bytes[Math.floor(text.indexOf(".") + 20)]! ^= 1;
    await writeFile(file, bytes);
    assert.match(await cli.fails(["license", "verify", file, "--key", key]), /refused/);
  });

  test("secret field values and the signing key are sealed in the database, never in clear", async () => {
    const bytes = await readFile(join(wharf.dataDir, "wharf.db"));
    const wal = await readFile(join(wharf.dataDir, "wharf.db-wal")).catch(() => Buffer.alloc(0));
    for (const [what, text] of [
      ["the secret field value", "k-123"],
      ["a private key", '"d":'],
    ]) {
      assert.ok(!bytes.includes(text!) && !wal.includes(text!), `the database holds ${what} in clear`);
    }
  });

  test("a rotated signing key signs new documents; older ones verify with the key set; only admins rotate", async () => {
    const before = join(scratch, "before.jws");
    await cli.ok(["license", "document", handle, "--out", before]);
    const oldKid = JSON.parse(await cli.ok(["license", "public-key"])).kid;
    assert.match(await cli.fails(["license", "rotate-key"]), /DENIED|administrator/i);
    const adminCli = createWharfCli(join(scratch, "admin"));
    await adminCli.ok(["login", wharf.url, "-u", admin[0], "--password-stdin"], `${admin[1]}\n`);
    assert.match(await adminCli.ok(["license", "rotate-key"]), /New license-signing key lsk_/);
    const set = join(scratch, "keys.json");
    await cli.ok(["license", "public-key", "--all", "--out", set]);
    const keys = JSON.parse(await readFile(set, "utf8")).keys as { kid: string }[];
    assert.equal(keys.length, 2);
    assert.equal(keys[0]!.kid, oldKid);
    const after = join(scratch, "after.jws");
    await cli.ok(["license", "document", handle, "--out", after]);
    const newKid = JSON.parse(Buffer.from((await readFile(after, "utf8")).split(".")[0]!, "base64url").toString()).kid;
    assert.equal(newKid, keys[1]!.kid, "the newest key signs");
    for (const file of [before, after]) {
      assert.match(await cli.ok(["license", "verify", file, "--key", set]), /Valid license/);
      assert.match(await cli.ok(["license", "verify", file]), /Valid license/, "fetched key set");
    }
    const oldKey = join(scratch, "old.jwk");
    await writeFile(oldKey, JSON.stringify(keys[0]));
    assert.match(await cli.fails(["license", "verify", after, "--key", oldKey]), /signature does not match/);
  });
});

describe("chart channels", () => {
  const tagsOf = async (credentials: string, name: string) => {
    const res = await fetch(`${wharf.url}/v2/${name}/tags/list`, {
      headers: { authorization: basicAuth(credentials, credentials) },
    });
    assert.equal(res.status, 200, name);
    return ((await res.json()) as { tags: string[] }).tags;
  };
  let beta: string;

  before(async () => {
    const created = await api.expect(201, "POST", "/apps/myapp/licenses", {
      as: vendor,
      body: { customer: "globex", channel: "beta" },
    });
    beta = created.body.licenseId;
    api.secret(beta);
    await box.skopeoOk([
      "copy",
      "--dest-tls-verify=false",
      "--dest-creds",
      vendor.join(":"),
      `oci:${join(scratch, "source")}:chart`,
      `docker://${wharf.host}/myapp/web:2.0.0-beta.1`,
    ]);
  });

  test("without promotions every license sees every tag", async () => {
    assert.deepEqual(await tagsOf(licenseId, "myapp/web"), ["1.0.0", "2.0.0-beta.1"]);
  });

  test("promoted tags: each license lists and pulls only its channel's; the vendor sees all", async () => {
    await cli.ok(["chart", "promote", "web:1.0.0", "--app", "myapp", "--channel", "stable"]);
    await cli.ok(["chart", "promote", "web:2.0.0-beta.1", "--app", "myapp", "--channel", "beta"]);
    await cli.ok(["chart", "promote", "web:1.0.0", "--app", "myapp", "--channel", "beta"]);
    assert.match(await cli.ok(["chart", "channels", "--app", "myapp"]), /web\s+beta\s+2\.0\.0-beta\.1/);
    assert.deepEqual(await tagsOf(licenseId, "myapp/web"), ["1.0.0"], "a license without a channel follows stable");
    assert.deepEqual(await tagsOf(licenseId, "myapp/stable/web"), ["1.0.0"]);
    assert.deepEqual(await tagsOf(beta, "myapp/beta/web"), ["1.0.0", "2.0.0-beta.1"]);
    const vendorTags = await fetch(`${wharf.url}/v2/myapp/web/tags/list`, {
      headers: { authorization: basicAuth(...vendor) },
    });
    assert.deepEqual(((await vendorTags.json()) as { tags: string[] }).tags, ["1.0.0", "2.0.0-beta.1"]);
    const hidden = await fetch(`${wharf.url}/v2/myapp/web/manifests/2.0.0-beta.1`, {
      headers: { authorization: basicAuth(licenseId, licenseId), accept: "application/vnd.oci.image.manifest.v1+json" },
    });
    assert.equal(hidden.status, 404, "another channel's version is not pulled by tag");
    assert.equal(((await hidden.json()) as { errors: { code: string }[] }).errors[0]!.code, "MANIFEST_UNKNOWN");
    const shown = await fetch(`${wharf.url}/v2/myapp/beta/web/manifests/2.0.0-beta.1`, {
      headers: { authorization: basicAuth(beta, beta), accept: "application/vnd.oci.image.manifest.v1+json" },
    });
    assert.equal(shown.status, 200);
    await cli.ok(["chart", "demote", "web:1.0.0", "--app", "myapp", "--channel", "beta"]);
    assert.deepEqual(await tagsOf(beta, "myapp/beta/web"), ["2.0.0-beta.1"]);
    assert.match(
      await cli.fails(["chart", "demote", "web:1.0.0", "--app", "myapp", "--channel", "beta"]),
      /not promoted/,
    );
    assert.match(await cli.fails(["chart", "promote", "web", "--app", "myapp", "--channel", "beta"]), /<chart>:<tag>/);
  });
});
