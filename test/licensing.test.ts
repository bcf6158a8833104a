/**
 * @module
 * Customers and licenses end to end, on the real server with accounts on:
 * - the API for customers and licenses, with its permission denials (team
 *   readers, outsiders, anonymous, a license itself) and bad input;
 * - skopeo pulls an image pushed to `<app>/img` with `--src-creds
 *   <licenseId>:<licenseId>` (Docker token auth underneath);
 * - an un-entitled repository of the same app answers exactly like a
 *   missing one; a push with a license is refused;
 * - every manifest and blob the license pulled is in its pull audit (digest,
 *   bytes, address), over the API and `wharf license pulls`;
 * - the CLI: customer and license commands, the id alone on the last line
 *   of `license create`, `pull-secret` rendering the Secret a customer
 *   installs, and a reader refused;
 * - revocation refuses the very next request, even with a Bearer token
 *   obtained before;
 * - the license id appears in no API answer but its creation, and never in
 *   the server's log.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parseAllDocuments } from "yaml";
import { type ClientSandbox, createClientSandbox } from "./support/container-clients.ts";
import { type Credentials, createManagementClient } from "./support/management-client.ts";
import { type BuiltImage, buildImage, readOciLayout, seededBytes, writeOciLayout } from "./support/oci-layout.ts";
import { basicAuth, bearerAuth, requestToken, tokenBody } from "./support/registry-auth.ts";
import { adminPassword, removeDataDir, startWharf, type WharfProcess } from "./support/start-wharf.ts";
import { createWharfCli, type WharfCli } from "./support/wharf-cli.ts";

const vendor: Credentials = ["vendor", "vendor-password-1"];
const reader: Credentials = ["reader", "reader-password-1"];
const outsider: Credentials = ["outsider", "outsider-password-1"];
const admin: Credentials = ["admin", adminPassword];

let wharf: WharfProcess;
let api: ReturnType<typeof createManagementClient>;
let box: ClientSandbox;
let scratch: string;
let cli: WharfCli;
let image: BuiltImage;
/** The license of customer globex, entitled to myapp/img only. */
let licenseId: string;
let handle: string;

const manifestAccept = "application/vnd.oci.image.manifest.v1+json";

function getManifest(repository: string, authorization: string): Promise<Response> {
  return fetch(`${wharf.url}/v2/${repository}/manifests/1.0`, { headers: { authorization, accept: manifestAccept } });
}

before(async () => {
  wharf = await startWharf({ auth: true, env: { WHARF_ACCOUNTS__ORGANIZATION_CREATION: "everyone" } });
  api = createManagementClient(wharf.url);
  box = await createClientSandbox("wharf-licensing-box-");
  scratch = await mkdtemp(join(tmpdir(), "wharf-licensing-"));
  cli = createWharfCli(join(scratch, "vendor"));
  for (const [name, password] of [vendor, reader, outsider]) {
    await api.expect(201, "POST", "/users", { as: admin, body: { name, password } });
  }
  await api.expect(201, "POST", "/orgs", { as: vendor, body: { name: "acme" } });
  await api.expect(201, "POST", "/orgs/acme/apps", { as: vendor, body: { slug: "myapp" } });
  await api.expect(201, "POST", "/orgs/acme/teams", { as: vendor, body: { name: "readers", role: "read" } });
  await api.expect(204, "PUT", "/orgs/acme/teams/readers/members/reader", { as: vendor });
  image = buildImage({
    architecture: "amd64",
    layers: [
      [{ name: "etc/app.conf", content: "mode = licensed\n" }],
      [{ name: "usr/bin/app", content: seededBytes("licensed app", 300_000), mode: 0o755 }],
    ],
  });
  const source = join(scratch, "source");
  await writeOciLayout(source, [{ tag: "app", item: image }]);
  for (const repository of ["myapp/img", "myapp/secret"]) {
    await box.skopeoOk([
      "copy",
      "--preserve-digests",
      "--dest-tls-verify=false",
      "--dest-creds",
      vendor.join(":"),
      `oci:${source}:app`,
      `docker://${wharf.host}/${repository}:1.0`,
    ]);
  }
});

after(async () => {
  await wharf?.stop();
  if (wharf) await removeDataDir(wharf.dataDir);
  await box?.remove();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe("customers and licenses over the API", () => {
  test("owners create customers; readers, outsiders, anonymous and bad input are refused", async () => {
    const created = await api.expect(201, "POST", "/apps/myapp/customers", {
      as: vendor,
      body: { name: "globex", email: "ops@globex.example" },
    });
    assert.deepEqual(
      { ...created.body, createdAt: undefined },
      { name: "globex", app: "myapp", email: "ops@globex.example", activeLicenses: 0, createdAt: undefined },
    );
    await api.refuse(409, "CONFLICT", "POST", "/apps/myapp/customers", { as: vendor, body: { name: "globex" } });
    await api.refuse(400, "INVALID_REQUEST", "POST", "/apps/myapp/customers", {
      as: vendor,
      body: { name: "Bad Name" },
    });
    const badMail = { name: "initech", email: "not-mail" };
    await api.refuse(400, "INVALID_REQUEST", "POST", "/apps/myapp/customers", { as: vendor, body: badMail });
    await api.refuse(404, "NOT_FOUND", "GET", "/apps/nosuchapp/customers", { as: vendor });
    await api.refuse(404, "NOT_FOUND", "GET", "/apps/acme/customers", { as: vendor });
    assert.match(
      await api.refuse(403, "DENIED", "POST", "/apps/myapp/customers", { as: reader, body: { name: "x" } }),
      /owner or a member of an admin team/,
    );
    await api.refuse(403, "DENIED", "GET", "/apps/myapp/licenses", { as: outsider });
    await api.refuse(401, "UNAUTHORIZED", "GET", "/apps/myapp/customers");
    const listed = await api.expect(200, "GET", "/apps/myapp/customers", { as: vendor });
    assert.deepEqual(
      listed.body.customers.map((c: { name: string }) => c.name),
      ["globex"],
    );
  });

  test("a license is created with its id shown once; bad entitlements and customers are refused", async () => {
    const body = { customer: "globex", entitlements: ["myapp/img"], expires: "30d", channel: "stable" };
    const created = await api.expect(201, "POST", "/apps/myapp/licenses", { as: vendor, body });
    licenseId = created.body.licenseId;
    handle = created.body.id;
    api.secret(licenseId);
    assert.match(licenseId, /^wharf_lic_[a-z2-7]{52}$/);
    assert.match(handle, /^lic_[0-9a-f]{16}$/);
    assert.equal(created.body.state, "active");
    assert.deepEqual(created.body.entitlements, ["myapp/img"]);
    const expires = Date.parse(created.body.expiresAt) - Date.parse(created.body.createdAt);
    assert.equal(expires, 30 * 86_400_000);

    const shown = await api.expect(200, "GET", `/apps/myapp/licenses/${handle}`, { as: vendor });
    assert.equal(shown.body.customer, "globex");
    assert.equal(shown.body.licenseId, undefined);
    const found = await api.expect(200, "GET", `/licenses/${handle}`, { as: vendor });
    assert.equal(found.body.app, "myapp");
    await api.refuse(404, "NOT_FOUND", "GET", `/licenses/${handle}`, { as: outsider });
    await api.refuse(403, "DENIED", "GET", `/apps/myapp/licenses/${handle}`, { as: reader });

    const bad = { customer: "globex", entitlements: ["*/anything"] };
    assert.match(
      await api.refuse(400, "INVALID_REQUEST", "POST", "/apps/myapp/licenses", { as: vendor, body: bad }),
      /not a pattern/,
    );
    await api.refuse(404, "NOT_FOUND", "POST", "/apps/myapp/licenses", { as: vendor, body: { customer: "nobody" } });
    const badExpiry = { customer: "globex", expires: "soon" };
    await api.refuse(400, "INVALID_REQUEST", "POST", "/apps/myapp/licenses", { as: vendor, body: badExpiry });
  });

  test("a license may not use the management API", async () => {
    await api.refuse(403, "DENIED", "GET", "/apps/myapp/licenses", { as: [licenseId, licenseId] });
  });
});

describe("pulling with a license", () => {
  test("skopeo pulls the entitled image with the license id as username and password", async () => {
    const out = join(scratch, "pulled");
    const creds = `${licenseId}:${licenseId}`;
    const from = `docker://${wharf.host}/myapp/img:1.0`;
    await box.skopeoOk(["copy", "--src-tls-verify=false", "--src-creds", creds, from, `oci:${out}:pulled`]);
    const contents = await readOciLayout(out);
    assert.equal(contents.index.manifests[0]?.digest, image.manifest.digest);
    for (const layer of image.layers) assert.ok(contents.blobs.has(layer.digest));
  });

  test("an un-entitled repository of the same app answers exactly like a missing one", async () => {
    const basic = basicAuth(licenseId, licenseId);
    const secret = await getManifest("myapp/secret", basic);
    const missing = await getManifest("myapp/nothing-here", basic);
    assert.equal(secret.status, 404);
    assert.deepEqual([secret.status, await secret.text()], [missing.status, await missing.text()]);
    const inspect = await box.skopeo([
      "inspect",
      "--tls-verify=false",
      "--creds",
      `${licenseId}:${licenseId}`,
      `docker://${wharf.host}/myapp/secret:1.0`,
    ]);
    assert.notEqual(inspect.code, 0);
    const token = await tokenBody(
      await requestToken(
        wharf.url,
        [
          ["service", "wharf"],
          ["scope", "repository:myapp/secret:pull"],
          ["scope", "repository:myapp/nothing-here:pull"],
        ],
        basic,
      ),
    );
    const withToken = [
      await getManifest("myapp/secret", bearerAuth(token.token)),
      await getManifest("myapp/nothing-here", bearerAuth(token.token)),
    ];
    assert.deepEqual(
      withToken.map((r) => r.status),
      [401, 401],
    );
  });

  test("a push with a license is refused", async () => {
    const push = await box.skopeo([
      "copy",
      "--dest-tls-verify=false",
      "--dest-creds",
      `${licenseId}:${licenseId}`,
      `oci:${join(scratch, "source")}:app`,
      `docker://${wharf.host}/myapp/img:evil`,
    ]);
    assert.notEqual(push.code, 0);
    const res = await fetch(`${wharf.url}/v2/myapp/img/blobs/uploads/`, {
      method: "POST",
      headers: { authorization: basicAuth(licenseId, licenseId) },
    });
    assert.equal(res.status, 403);
    const tags = await fetch(`${wharf.url}/v2/myapp/img/tags/list`, {
      headers: { authorization: basicAuth("admin", adminPassword) },
    });
    assert.deepEqual(((await tags.json()) as { tags: string[] }).tags, ["1.0"]);
  });

  test("the pull audit records the manifest and every blob with digest, bytes and address", async () => {
    type Pull = { kind: string; repository: string; digest: string; bytes: number; remote: string };
    const expected = 2 + image.layers.length;
    // A pull is recorded when the server has finished writing the response,
    // which may be just after the client read its last byte: ask again until
    // every row is there (a bounded number of times, no timing assumed).
    let pulls: Pull[] = [];
    for (let attempt = 0; attempt < 50 && pulls.length < expected; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setImmediate(resolve));
      const answer = await api.expect(200, "GET", `/apps/myapp/licenses/${handle}/pulls`, { as: vendor });
      pulls = answer.body.pulls as Pull[];
    }
    assert.ok(
      pulls.every((p) => p.repository === "myapp/img" && p.remote === "127.0.0.1"),
      JSON.stringify(pulls),
    );
    const manifest = pulls.find((p) => p.kind === "manifest" && p.digest === image.manifest.digest);
    assert.ok(manifest, JSON.stringify(pulls));
    assert.equal(manifest.bytes, image.manifest.bytes.length);
    for (const blob of [image.config, ...image.layers]) {
      const row = pulls.find((p) => p.kind === "blob" && p.digest === blob.digest);
      assert.equal(row?.bytes, blob.bytes.length, `blob ${blob.digest}`);
    }
    await api.refuse(403, "DENIED", "GET", `/apps/myapp/licenses/${handle}/pulls`, { as: reader });
  });
});

describe("customers and licenses from the CLI", () => {
  test("create, list, show, extend, pulls and the pull secret", async () => {
    await cli.ok(["login", wharf.url, "-u", vendor[0], "--password-stdin"], `${vendor[1]}\n`);
    await cli.ok(["customer", "create", "initech", "--app", "myapp", "--email", "it@initech.example"]);
    assert.match(await cli.ok(["customer", "list", "--app", "myapp"]), /initech\s+it@initech\.example\s+0/);
    const created = await cli.ok([
      ...["license", "create", "--app", "myapp", "--customer", "initech", "--expires", "1y"],
      ...["--entitle", "myapp/*", "--entitle", "quay/initech/*"],
    ]);
    const id = created.trimEnd().split("\n").at(-1)!;
    assert.match(id, /^wharf_lic_[a-z2-7]{52}$/);
    const shown = await cli.ok(["license", "show", id]);
    assert.match(shown, /customer\s+initech/);
    assert.match(shown, /entitled\s+myapp\/\* quay\/initech\/\*/);
    assert.ok(!shown.includes(id));
    const listed = await cli.ok(["license", "list", "--app", "myapp", "--customer", "initech"]);
    assert.match(listed, /lic_[0-9a-f]{16}\s+initech\s+active/);
    assert.match(await cli.ok(["license", "extend", id, "--expires", "never"]), /now expires never/);
    assert.match(await cli.ok(["customer", "show", "initech", "--app", "myapp"]), /initech\s+active\s+never/);
    assert.match(await cli.ok(["license", "pulls", handle]), /manifest\s+myapp\/img:1\.0\s+sha256:/);

    const yaml = await cli.ok(["license", "pull-secret", "-", "--namespace", "shop", "--namespace", "ops"], `${id}\n`);
    const documents = parseAllDocuments(yaml).map((d) => d.toJS());
    assert.deepEqual(
      documents.map((d) => [d.kind, d.type, d.metadata.name, d.metadata.namespace]),
      [
        ["Secret", "kubernetes.io/dockerconfigjson", "myapp-registry", "shop"],
        ["Secret", "kubernetes.io/dockerconfigjson", "myapp-registry", "ops"],
      ],
    );
    const config = JSON.parse(Buffer.from(documents[0].data[".dockerconfigjson"], "base64").toString());
    assert.deepEqual(Object.keys(config.auths), [wharf.host]);
    assert.equal(Buffer.from(config.auths[wharf.host].auth, "base64").toString(), `${id}:${id}`);
    const mismatch = { licenseId: id, namespaces: ["x"] };
    assert.match(
      await api.refuse(400, "INVALID_REQUEST", "POST", `/apps/myapp/licenses/${handle}/pull-secret`, {
        as: vendor,
        body: mismatch,
      }),
      /not the id of license/,
    );
    const other = await cli.ok([
      "license",
      "pull-secret",
      licenseId,
      "--namespace",
      "x",
      "--registry",
      "r.example:5000",
    ]);
    assert.match(other, /namespace: x/);
    const otherConfig = parseAllDocuments(other)[0]!.toJS().data[".dockerconfigjson"];
    assert.deepEqual(Object.keys(JSON.parse(Buffer.from(otherConfig, "base64").toString()).auths), ["r.example:5000"]);

    await cli.ok(["customer", "delete", "initech", "--app", "myapp"]);
    assert.match(await cli.fails(["license", "show", id]), /no license .* you manage/);
  });

  test("a team reader may not manage licenses", async () => {
    const readerCli = createWharfCli(join(scratch, "reader"));
    await readerCli.ok(["login", wharf.url, "-u", reader[0], "--password-stdin"], `${reader[1]}\n`);
    assert.match(
      await readerCli.fails(["license", "list", "--app", "myapp"]),
      /only an owner or a member of an admin team/,
    );
  });
});

describe("revocation", () => {
  test("the very next request is refused, even with a Bearer token obtained before", async () => {
    const basic = basicAuth(licenseId, licenseId);
    const scope: [string, string][] = [
      ["service", "wharf"],
      ["scope", "repository:myapp/img:pull"],
    ];
    const token = (await tokenBody(await requestToken(wharf.url, scope, basic))).token;
    assert.equal((await getManifest("myapp/img", bearerAuth(token))).status, 200);
    assert.match(await cli.ok(["license", "revoke", handle]), /Revoked license/);
    assert.equal((await getManifest("myapp/img", bearerAuth(token))).status, 401);
    assert.equal((await getManifest("myapp/img", basic)).status, 401);
    assert.equal((await requestToken(wharf.url, scope, basic)).status, 401);
    const shown = await api.expect(200, "GET", `/apps/myapp/licenses/${handle}`, { as: vendor });
    assert.equal(shown.body.state, "revoked");
    await api.refuse(409, "CONFLICT", "POST", `/apps/myapp/licenses/${handle}/extend`, {
      as: vendor,
      body: { expires: "30d" },
    });
  });

  test("no license id in any API answer but its creation, nor in the server's log or audit", async () => {
    assert.deepEqual(api.leaks(), []);
    const audit = await api.expect(200, "GET", "/audit", { as: admin });
    assert.ok(!audit.text.includes(licenseId));
    assert.match(audit.text, /wharf_lic_…/, "the failed login after revocation is audited without the id");
    const output = wharf.output();
    const leaked = output.split("\n").filter((line) => line.includes(licenseId.slice(10, 40)));
    assert.deepEqual(leaked, [], "the license id is in the server's output");
  });
});
