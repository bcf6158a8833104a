/**
 * @module
 * Scale-out behind a load balancer, end to end: two `wharf serve` nodes
 * (auth on) sharing one PostgreSQL database (a throwaway cluster) and one
 * s3rver bucket, and Debian's nginx running examples/nginx/wharf-two-nodes.conf
 * in front of them (TLS lines turned into a plain loopback listener, the
 * nodes' addresses filled in). skopeo round-trips an image node to node;
 * skopeo pushes through nginx with the upload requests landing on both
 * nodes and pulls it back through nginx and from each node with identical
 * digests; a chunked upload's PATCHes alternate between the nodes. Skipped
 * when PostgreSQL, s3rver or nginx is missing; failed under CI.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it, test } from "node:test";
import {
  createTestDatabase,
  postgresUnavailable,
  type TestDatabase,
} from "../src/metadata/testing/postgres-test-cluster.ts";
import { type S3TestServer, s3rverUnavailable, startS3TestServer } from "../src/storage/testing/s3-test-server.ts";
import { type ClientSandbox, createClientSandbox } from "./support/container-clients.ts";
import { type NginxFront, nginxUnavailable, startNginx } from "./support/nginx-front.ts";
import {
  type BuiltImage,
  blobsOf,
  buildImage,
  readOciLayout,
  seededBytes,
  taggedDescriptor,
  writeOciLayout,
} from "./support/oci-layout.ts";
import { basicAuth, bearerAuth, requestToken, tokenBody } from "./support/registry-auth.ts";
import { type LoggedRequest, waitForRequest } from "./support/request-log.ts";
import { adminPassword, removeDataDir, repoRoot, startWharf, type WharfProcess } from "./support/start-wharf.ts";

const unavailable = postgresUnavailable() ?? s3rverUnavailable() ?? nginxUnavailable();
const mib = 1024 * 1024;
const creds = `admin:${adminPassword}`;

if (unavailable !== undefined && process.env.CI) {
  test("wharf scale-out behind nginx", () => assert.fail(`cannot run under CI: ${unavailable}`));
}

/** The example with a plain listener on `listen` and `nodes` as the upstream servers. */
function serverBlock(example: string, listen: string, nodes: readonly string[]): string {
  const server = example
    .replace(/^\s*server 10\.0\.0\.11:5000(.*)\n/m, `    server ${nodes[0]}$1\n`)
    .replace(/^\s*server 10\.0\.0\.12:5000(.*)\n/m, `    server ${nodes[1]}$1\n`)
    .replace(/listen 443 ssl http2;.*\n/, `listen ${listen};\n`)
    .replace(/^\s*ssl_\w+.*\n/gm, "");
  // (A node's ephemeral port may contain 443: look for the listener, not the digits.)
  assert.ok(
    !/listen 443|ssl_/.test(server) && !server.includes("10.0.0."),
    "the example's lines changed: update this test",
  );
  return server;
}

/** Whether `request` is an upload request (POST, PATCH, PUT under /blobs/uploads/) of `repository`. */
function isUpload(request: LoggedRequest, repository: string): boolean {
  return request.method !== "GET" && request.path.startsWith(`/v2/${repository}/blobs/uploads/`);
}

describe("wharf scale-out: two nodes behind nginx, one PostgreSQL, one bucket", { skip: unavailable }, () => {
  let database: TestDatabase;
  let s3: S3TestServer;
  let nodeA: WharfProcess;
  let nodeB: WharfProcess;
  let nginx: NginxFront | undefined;
  let clients: ClientSandbox;
  let source: string;
  let image: BuiltImage;

  before(async () => {
    database = await createTestDatabase();
    s3 = await startS3TestServer("wharf-behind-nginx");
    const env = {
      ...s3.env,
      WHARF_STORAGE__S3__PREFIX: "registry/",
      WHARF_DATABASE__DRIVER: "postgres",
      WHARF_DATABASE__POSTGRES__URL: database.url,
      WHARF_MASTER_KEY: randomBytes(32).toString("base64"),
    };
    [nodeA, nodeB] = await Promise.all([startWharf({ auth: true, env }), startWharf({ auth: true, env })]);
    const example = await readFile(join(repoRoot, "examples", "nginx", "wharf-two-nodes.conf"), "utf8");
    nginx = await startNginx((listen) => serverBlock(example, listen, [nodeA.host, nodeB.host]));
    clients = await createClientSandbox("wharf-nginx-clients-");
    source = join(clients.work, "source");
    image = buildImage({
      architecture: "amd64",
      labels: { "org.example.app": "behind-nginx" },
      layers: [
        [{ name: "etc/app.conf", content: "nodes = 2\n" }],
        [{ name: "usr/bin/app", content: seededBytes("app behind nginx", 6 * mib + 3), mode: 0o755 }],
        [{ name: "usr/share/app/data", content: seededBytes("data behind nginx", 200_000) }],
      ],
    });
    await writeOciLayout(source, [{ tag: "app", item: image }]);
  });

  after(async () => {
    await nginx?.stop();
    for (const node of [nodeA, nodeB]) {
      if (!node) continue;
      await node.stop();
      await removeDataDir(node.dataDir);
    }
    await clients?.remove();
    await s3?.stop();
    await database?.drop();
  });

  /** skopeo copies `ref` (docker://…) out to a new layout and asserts it is `image`, byte for byte. */
  async function assertPullsBack(ref: string, out: string): Promise<void> {
    await clients.skopeoOk(["copy", "--preserve-digests", "--src-tls-verify=false", "--src-creds", creds, ref, out]);
    const contents = await readOciLayout(out.slice("oci:".length, out.lastIndexOf(":")));
    assert.equal(taggedDescriptor(contents, "app")?.digest, image.manifest.digest);
    const expected = new Map(blobsOf(image).map((blob) => [blob.digest, blob.bytes]));
    assert.deepEqual([...contents.blobs.keys()].sort(), [...expected.keys()].sort());
    for (const [digest, bytes] of contents.blobs) assert.deepEqual(bytes, expected.get(digest), digest);
  }

  it("skopeo round trip on S3 + PostgreSQL: pushed to one node, pulled from the other byte for byte", async () => {
    const push = ["copy", "--preserve-digests", "--dest-tls-verify=false", "--dest-creds", creds];
    await clients.skopeoOk([...push, `oci:${source}:app`, `docker://${nodeA.host}/admin/direct:1.0`]);
    await assertPullsBack(`docker://${nodeB.host}/admin/direct:1.0`, `oci:${join(clients.work, "direct")}:app`);
  });

  it("skopeo pushes through nginx with uploads on both nodes, and pulls back the same digests", async () => {
    const front = nginx!.url.replace("http://", "");
    const push = ["copy", "--preserve-digests", "--dest-tls-verify=false", "--dest-creds", creds];
    await clients.skopeoOk([...push, `oci:${source}:app`, `docker://${front}/admin/lb:1.0`]);
    // Each node logged some of the push's upload requests (waitForRequest fails when one did not).
    for (const node of [nodeA, nodeB]) await waitForRequest(node.output, (request) => isUpload(request, "admin/lb"));

    await assertPullsBack(`docker://${front}/admin/lb:1.0`, `oci:${join(clients.work, "through-nginx")}:app`);
    for (const node of [nodeA, nodeB]) {
      const args = ["inspect", "--raw", "--tls-verify=false", "--creds", creds, `docker://${node.host}/admin/lb:1.0`];
      const raw = await clients.skopeoOk(args);
      assert.equal(`sha256:${createHash("sha256").update(raw).digest("hex")}`, image.manifest.digest, node.host);
    }
  });

  it("a chunked upload through nginx: its PATCHes land on both nodes and the blob is whole", async () => {
    const front = nginx!.url;
    const reply = await requestToken(
      front,
      [
        ["service", "wharf"],
        ["scope", "repository:admin/chunked:pull,push"],
      ],
      basicAuth("admin", adminPassword),
    );
    assert.equal(reply.status, 200, await reply.clone().text());
    const authorization = bearerAuth((await tokenBody(reply)).token);
    const chunks = [1, 2, 3, 4, 5, 6].map((n) => seededBytes(`lb chunk ${n}`, 150_000 + n));
    const whole = Buffer.concat(chunks);
    const digest = `sha256:${createHash("sha256").update(whole).digest("hex")}`;
    const start = await fetch(`${front}/v2/admin/chunked/blobs/uploads/`, {
      method: "POST",
      headers: { authorization },
    });
    assert.equal(start.status, 202, await start.text());
    const location = new URL(start.headers.get("location")!, front);
    let offset = 0;
    for (const chunk of chunks) {
      const res = await fetch(location, {
        method: "PATCH",
        headers: {
          authorization,
          "content-type": "application/octet-stream",
          "content-range": `${offset}-${offset + chunk.length - 1}`,
        },
        body: chunk,
      });
      assert.equal(res.status, 202, await res.text());
      offset += chunk.length;
      assert.equal(res.headers.get("range"), `0-${offset - 1}`);
    }
    location.searchParams.set("digest", digest);
    const put = await fetch(location, { method: "PUT", headers: { authorization } });
    assert.equal(put.status, 201, await put.text());
    const patchOf = (request: LoggedRequest) =>
      request.method === "PATCH" && request.path.startsWith(location.pathname);
    const patches = await Promise.all([nodeA, nodeB].map((node) => waitForRequest(node.output, patchOf)));
    const counts = patches.map((requests) => requests.filter(patchOf).length);
    assert.equal(counts[0]! + counts[1]!, chunks.length, `PATCHes per node: ${counts.join(", ")}`);
    const got = await fetch(`${front}/v2/admin/chunked/blobs/${digest}`, { headers: { authorization } });
    assert.equal(got.status, 200);
    assert.deepEqual(Buffer.from(await got.arrayBuffer()), whole);
  });
});
