/**
 * @module
 * Scale-out end to end: two `wharf serve` processes on different ports that
 * share one PostgreSQL database (a throwaway cluster) and one S3 bucket
 * (s3rver), and nothing else. A chunked upload whose PATCHes alternate
 * between the nodes completes; a push to one node is pullable from the other
 * at once; a token one node issues is accepted by the other; a license
 * revoked on one is refused on the other at the next request; an upload
 * begun on a node that is then killed is finished on the other. Skipped when
 * PostgreSQL or s3rver is missing; failed under CI.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { after, before, describe, it, test } from "node:test";
import {
  createTestDatabase,
  postgresUnavailable,
  type TestDatabase,
} from "../src/metadata/testing/postgres-test-cluster.ts";
import { type S3TestServer, s3rverUnavailable, startS3TestServer } from "../src/storage/testing/s3-test-server.ts";
import { type Credentials, createManagementClient } from "./support/management-client.ts";
import { seededBytes } from "./support/oci-layout.ts";
import { basicAuth, bearerAuth, pushImageAs, requestToken, tokenBody } from "./support/registry-auth.ts";
import { adminPassword, removeDataDir, startWharf, type WharfProcess } from "./support/start-wharf.ts";

const unavailable = postgresUnavailable() ?? s3rverUnavailable();
const admin: Credentials = ["admin", adminPassword];
const manifestAccept = "application/vnd.oci.image.manifest.v1+json";
const databasePassword = `db-secret-${randomBytes(6).toString("hex")}`;

if (unavailable !== undefined && process.env.CI) {
  test("wharf scale-out (PostgreSQL + s3rver)", () => assert.fail(`cannot run under CI: ${unavailable}`));
}

async function tokenFrom(node: WharfProcess, scope: string, authorization: string): Promise<string> {
  const res = await requestToken(
    node.url,
    [
      ["service", "wharf"],
      ["scope", scope],
    ],
    authorization,
  );
  assert.equal(res.status, 200, await res.clone().text());
  return (await tokenBody(res)).token;
}

test("a PostgreSQL that cannot be reached stops the start with a message, its password redacted", async () => {
  const env = {
    WHARF_DATABASE__DRIVER: "postgres",
    WHARF_DATABASE__POSTGRES__URL: `postgres://u:${databasePassword}@127.0.0.1:1/db`,
  };
  await assert.rejects(startWharf({ env }), (error: Error) => {
    assert.match(error.message, /exited with 2/);
    assert.match(
      error.message,
      /cannot use the PostgreSQL database postgres:\/\/u:REDACTED@127\.0\.0\.1:1\/db: .*ECONNREFUSED/,
    );
    assert.ok(!error.message.includes(databasePassword));
    return true;
  });
});

describe("wharf scale-out: two nodes, one PostgreSQL, one bucket", { skip: unavailable }, () => {
  let database: TestDatabase;
  let s3: S3TestServer;
  let nodeA: WharfProcess;
  let nodeB: WharfProcess;

  before(async () => {
    database = await createTestDatabase();
    s3 = await startS3TestServer("wharf-scale-out");
    const env = {
      ...s3.env,
      WHARF_STORAGE__S3__PREFIX: "registry/",
      WHARF_DATABASE__DRIVER: "postgres",
      // The test cluster trusts loopback, so the password is sent nowhere; the logs must not show it either.
      WHARF_DATABASE__POSTGRES__URL: database.url.replace("postgres@", `postgres:${databasePassword}@`),
      WHARF_MASTER_KEY: randomBytes(32).toString("base64"),
      WHARF_ACCOUNTS__ORGANIZATION_CREATION: "everyone",
    };
    // Started together: one applies the migrations and creates admin, the other waits or finds them done.
    [nodeA, nodeB] = await Promise.all([startWharf({ auth: true, env }), startWharf({ auth: true, env })]);
  });

  after(async () => {
    for (const node of [nodeA, nodeB]) {
      if (!node) continue;
      await node.stop();
      await removeDataDir(node.dataDir);
    }
    await s3?.stop();
    await database?.drop();
  });

  it("accepts on one node a token the other issued", async () => {
    const token = await tokenFrom(nodeA, "repository:admin/app:pull,push", basicAuth(...admin));
    const res = await fetch(`${nodeB.url}/v2/admin/app/tags/list`, { headers: { authorization: bearerAuth(token) } });
    assert.equal(res.status, 404, "authorized; the repository does not exist yet");
    const other = await tokenFrom(nodeB, "repository:admin/app:pull", basicAuth(...admin));
    const back = await fetch(`${nodeA.url}/v2/`, { headers: { authorization: bearerAuth(other) } });
    assert.equal(back.status, 200);
  });

  it("serves from one node an image pushed to the other, at once", async () => {
    const token = await tokenFrom(nodeA, "repository:admin/app:pull,push", basicAuth(...admin));
    const pushed = await pushImageAs(nodeA.url, bearerAuth(token), "admin/app", "1.0");
    const got = await fetch(`${nodeB.url}/v2/admin/app/manifests/1.0`, {
      headers: { authorization: bearerAuth(token), accept: manifestAccept },
    });
    assert.equal(got.status, 200);
    assert.equal(await got.text(), pushed.body);
    const layer = JSON.parse(pushed.body).layers[0].digest;
    const blob = await fetch(`${nodeB.url}/v2/admin/app/blobs/${layer}`, {
      headers: { authorization: bearerAuth(token) },
    });
    assert.equal(blob.status, 200);
    assert.equal(await blob.text(), "layer of admin/app:1.0");
  });

  it("completes a chunked upload whose PATCHes alternate between the nodes", async () => {
    const token = bearerAuth(await tokenFrom(nodeB, "repository:admin/chunked:pull,push", basicAuth(...admin)));
    const chunks = [1, 2, 3, 4].map((n) => seededBytes(`chunk ${n}`, 200_000 + n));
    const whole = Buffer.concat(chunks);
    const digest = `sha256:${createHash("sha256").update(whole).digest("hex")}`;
    const start = await fetch(`${nodeA.url}/v2/admin/chunked/blobs/uploads/`, {
      method: "POST",
      headers: { authorization: token },
    });
    assert.equal(start.status, 202);
    const location = start.headers.get("location")!;
    let offset = 0;
    for (const [i, chunk] of chunks.entries()) {
      const node = i % 2 === 0 ? nodeB : nodeA;
      const res = await fetch(`${node.url}${location}`, {
        method: "PATCH",
        headers: {
          authorization: token,
          "content-type": "application/octet-stream",
          "content-range": `${offset}-${offset + chunk.length - 1}`,
        },
        body: chunk,
      });
      assert.equal(res.status, 202, await res.text());
      offset += chunk.length;
      assert.equal(res.headers.get("range"), `0-${offset - 1}`);
    }
    const put = await fetch(`${nodeB.url}${location}${location.includes("?") ? "&" : "?"}digest=${digest}`, {
      method: "PUT",
      headers: { authorization: token },
    });
    assert.equal(put.status, 201, await put.text());
    const got = await fetch(`${nodeA.url}/v2/admin/chunked/blobs/${digest}`, { headers: { authorization: token } });
    assert.equal(got.status, 200);
    assert.deepEqual(Buffer.from(await got.arrayBuffer()), whole);
  });

  it("refuses on one node, at the next request, a license revoked on the other", async () => {
    const vendor: Credentials = ["vendor", "vendor-password-1"];
    const apiA = createManagementClient(nodeA.url);
    const apiB = createManagementClient(nodeB.url);
    await apiA.expect(201, "POST", "/users", { as: admin, body: { name: vendor[0], password: vendor[1] } });
    await apiB.expect(201, "POST", "/orgs", { as: vendor, body: { name: "acme" } });
    await apiA.expect(201, "POST", "/orgs/acme/apps", { as: vendor, body: { slug: "myapp" } });
    const push = await tokenFrom(nodeB, "repository:myapp/img:pull,push", basicAuth(...vendor));
    await pushImageAs(nodeB.url, bearerAuth(push), "myapp/img", "1.0");
    await apiB.expect(201, "POST", "/apps/myapp/customers", { as: vendor, body: { name: "globex" } });
    const license = await apiA.expect(201, "POST", "/apps/myapp/licenses", {
      as: vendor,
      body: { customer: "globex", entitlements: ["myapp/img"], expires: "30d" },
    });
    const id: string = license.body.licenseId;
    const basic = basicAuth(id, id);
    const bearer = bearerAuth(await tokenFrom(nodeA, "repository:myapp/img:pull", basic));
    const pull = (node: WharfProcess, authorization: string) =>
      fetch(`${node.url}/v2/myapp/img/manifests/1.0`, { headers: { authorization, accept: manifestAccept } });
    assert.equal((await pull(nodeB, bearer)).status, 200);
    assert.equal((await pull(nodeB, basic)).status, 200);
    await apiA.expect(200, "POST", `/apps/myapp/licenses/${license.body.id}/revoke`, { as: vendor });
    assert.equal((await pull(nodeB, bearer)).status, 401, "the token issued before is refused on the other node");
    assert.equal((await pull(nodeB, basic)).status, 401);
    assert.equal((await requestToken(nodeB.url, [["service", "wharf"]], basic)).status, 401);
  });

  it("finishes on one node an upload begun on the other, after that node was killed", async () => {
    const token = bearerAuth(await tokenFrom(nodeA, "repository:admin/killed:pull,push", basicAuth(...admin)));
    const first = seededBytes("before the crash", 300_000);
    const rest = seededBytes("after the crash", 100_000);
    const digest = `sha256:${createHash("sha256").update(first).update(rest).digest("hex")}`;
    const start = await fetch(`${nodeA.url}/v2/admin/killed/blobs/uploads/`, {
      method: "POST",
      headers: { authorization: token },
    });
    const location = start.headers.get("location")!;
    const patched = await fetch(`${nodeA.url}${location}`, {
      method: "PATCH",
      headers: { authorization: token, "content-type": "application/octet-stream" },
      body: first,
    });
    assert.equal(patched.status, 202, await patched.text());
    await nodeA.kill();
    const put = await fetch(`${nodeB.url}${location}${location.includes("?") ? "&" : "?"}digest=${digest}`, {
      method: "PUT",
      headers: { authorization: token, "content-type": "application/octet-stream" },
      body: rest,
    });
    assert.equal(put.status, 201, await put.text());
    const got = await fetch(`${nodeB.url}/v2/admin/killed/blobs/${digest}`, { headers: { authorization: token } });
    assert.deepEqual(Buffer.from(await got.arrayBuffer()), Buffer.concat([first, rest]));
  });

  it("never writes the database password to a log", () => {
    for (const node of [nodeA, nodeB]) assert.ok(!node.output().includes(databasePassword));
    assert.match(nodeA.output(), /wharf listening on/);
  });
});
