/**
 * @module
 * Custom license fields and signed license documents, end to end on the
 * real server: the vendor defines typed fields (CLI and API), creates a
 * license with values (`--field`), changes one (`set-field`); bad values
 * are refused with a message naming the field; `license show` shows them
 * (secret ones redacted); a chart pulled with skopeo through the license
 * carries them under `global.wharf.licenseFields`; the signed document
 * verifies offline (`wharf license verify --key`) and is refused after one
 * flipped byte.
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
});
