/**
 * @module
 * `server.workers: 2` answers as one server, end to end: `/metrics` on
 * either worker counts every process's requests; the connection caps
 * (`limits.maxConnections`, `limits.maxConnectionsPerAddress`) hold for the
 * whole server, not per worker; so do the upload quotas
 * (`limits.maxOpenUploadsPerPrincipal`, `limits.maxUploadBytesPerPrincipal`,
 * counted by the primary); a proxied tag is revalidated once per server, not
 * once per worker; and concurrent cold pulls of one blob
 * through the proxy that land on both workers make one upstream download
 * (Debian's docker-registry behind a forwarder that counts requests and
 * holds the download until every pull has arrived).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { once } from "node:events";
import { get } from "node:http";
import { connect, type Socket } from "node:net";
import { after, before, describe, test } from "node:test";
import {
  type DistributionServer,
  distributionUnavailable,
  startDistribution,
} from "../src/registry-client/testing/distribution-server.ts";
import { testUser } from "../src/registry-client/testing/registry-fixture.ts";
import { pushTestImage, type TestImage } from "../src/registry-client/testing/test-image.ts";
import { requestFrom } from "./support/http-from.ts";
import { useWharfWithLoopbackUpstreams } from "./support/loopback-upstreams.ts";
import { createManagementClient } from "./support/management-client.ts";
import { basicAuth, bearerAuth, requestToken, tokenBody } from "./support/registry-auth.ts";
import { adminPassword, useWharf, type WharfProcess } from "./support/start-wharf.ts";
import { startForwarder, type UpstreamForwarder } from "./support/upstream-forwarder.ts";

const twoWorkers = { WHARF_SERVER__WORKERS: "2" };

/** PIDs of the processes that logged the finished requests whose path starts with `path`. */
function servingPidsNow(wharf: WharfProcess, path: string): number[] {
  const pids: number[] = [];
  for (const line of wharf.output().split("\n")) {
    if (!line.includes('"msg":"request"')) continue;
    const entry = JSON.parse(line) as { pid: number; path: string };
    if (entry.path.startsWith(path)) pids.push(entry.pid);
  }
  return pids;
}

/** The distinct PIDs that served the `count` requests to `path`, once all are logged (workers log as they finish). */
async function servingPids(wharf: WharfProcess, path: string, count: number): Promise<Set<number>> {
  while (servingPidsNow(wharf, path).length < count)
    await Promise.race([once(wharf.child.stdout!, "data"), once(wharf.child.stderr!, "data")]);
  return new Set(servingPidsNow(wharf, path));
}

/** One value of `/metrics` (0 when the series is absent). */
async function metric(wharf: WharfProcess, series: string): Promise<number> {
  const text = await (await requestFrom("127.0.0.1", `${wharf.url}/metrics`)).text;
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

describe("/metrics with workers", () => {
  const wharf = useWharf({ env: twoWorkers });

  test("every scrape counts the requests of both workers", async () => {
    const requests = 24;
    for (let n = 0; n < requests; n++) {
      const answer = await requestFrom("127.0.0.1", `${wharf.url}/v2/`);
      assert.equal(answer.status, 200);
    }
    assert.equal((await servingPids(wharf, "/v2/", requests)).size, 2, "the requests landed on both workers");
    // Each scrape lands on either worker: all of them see the whole server.
    for (let n = 0; n < 6; n++) {
      assert.equal(await metric(wharf, 'wharf_http_requests_total{route="base",method="GET",status="200"}'), requests);
      assert.equal(await metric(wharf, "wharf_processes"), 3);
    }
    assert.equal((await servingPids(wharf, "/metrics", 12)).size, 2, "the scrapes landed on both workers");
  });
});

/** A raw connection from `from`; resolves whether the server answered a request on it or closed it unread. */
async function probe(wharf: WharfProcess, from: string): Promise<{ socket: Socket; outcome: "answered" | "refused" }> {
  const { hostname, port } = new URL(wharf.url);
  const socket = connect({ port: Number(port), host: hostname, localAddress: from });
  socket.on("error", () => {}); // a reset shows up as "close"
  await once(socket, "connect");
  const outcome = new Promise<"answered" | "refused">((done) => {
    socket.once("data", () => done("answered"));
    socket.once("close", () => done("refused"));
  });
  socket.write("GET /v2/ HTTP/1.1\r\nHost: x\r\n\r\n");
  return { socket, outcome: await outcome };
}

describe("connection caps with workers", () => {
  const wharf = useWharf({
    env: { ...twoWorkers, WHARF_LIMITS__MAX_CONNECTIONS: "6", WHARF_LIMITS__MAX_CONNECTIONS_PER_ADDRESS: "4" },
  });

  test("hold for the whole server: 4 per address and 6 in all, whichever worker takes a connection", async () => {
    const held: Socket[] = [];
    const outcomes = async (from: string, count: number) => {
      const seen: string[] = [];
      for (let n = 0; n < count; n++) {
        const { socket, outcome } = await probe(wharf, from);
        held.push(socket);
        seen.push(outcome);
      }
      return seen;
    };
    // Answered connections stay open (keep-alive), so each counts against the caps.
    const first = await outcomes("127.0.0.51", 7);
    assert.deepEqual(first, [...Array(4).fill("answered"), ...Array(3).fill("refused")]);
    const second = await outcomes("127.0.0.52", 4);
    assert.deepEqual(second, [...Array(2).fill("answered"), ...Array(2).fill("refused")]);
    assert.equal((await servingPids(wharf, "/v2/", 6)).size, 2, "the answered connections landed on both workers");
    for (const socket of held) socket.destroy();
    await Promise.all(held.map((socket) => (socket.closed ? undefined : once(socket, "close"))));
    // The counts free as connections close; the primary hears of each close
    // after its worker does, so wait for the cap to be free again.
    for (;;) {
      const again = await probe(wharf, "127.0.0.53");
      again.socket.destroy();
      if (again.outcome === "answered") break;
    }
  });
});

describe("upload quotas with workers", () => {
  const wharf = useWharf({
    env: {
      ...twoWorkers,
      WHARF_LIMITS__MAX_OPEN_UPLOADS_PER_PRINCIPAL: "3",
      WHARF_LIMITS__MAX_UPLOAD_BYTES_PER_PRINCIPAL: "1000",
    },
  });
  // A connection per request (requestFrom), so the kernel spreads them over both workers.
  const send = (method: string, path: string, body?: Uint8Array) =>
    requestFrom("127.0.0.1", `${wharf.url}${path}`, {
      method,
      ...(body && { body, headers: { "content-type": "application/octet-stream" } }),
    });
  const code = (answer: { text: string }) =>
    (JSON.parse(answer.text) as { errors: { code: string }[] }).errors[0]?.code;

  test("hold for the whole server, whichever worker opens, grows or closes a session", async () => {
    const locations: string[] = [];
    for (let n = 0; n < 3; n++) {
      const opened = await send("POST", "/v2/quota/app/blobs/uploads/");
      assert.equal(opened.status, 202, opened.text);
      locations.push(opened.headers.get("location")!);
    }
    for (let n = 0; n < 4; n++) {
      const over = await send("POST", "/v2/quota/app/blobs/uploads/");
      assert.equal(code(over), "DENIED", `refusal ${n}: ${over.text}`);
      assert.match(over.text, /3 upload sessions open/);
    }
    assert.equal((await servingPids(wharf, "/v2/quota/app/blobs/uploads/", 7)).size, 2, "POSTs on both workers");

    assert.equal((await send("PATCH", locations[0]!, Buffer.alloc(600, 1))).status, 202);
    for (let n = 0; n < 4; n++) {
      const over = await send("PATCH", locations[1]!, Buffer.alloc(500, 1));
      assert.equal(code(over), "DENIED", `refusal ${n}: ${over.text}`);
      assert.match(over.text, /more than 1000 bytes in unfinished uploads/);
    }
    assert.equal((await send("PATCH", locations[1]!, Buffer.alloc(400, 1))).status, 202, "up to the quota is fine");

    // Cancelling frees the session's slot and bytes on every worker.
    assert.equal((await send("DELETE", locations[0]!)).status, 204);
    for (let n = 0; n < 3; n++) assert.equal((await send("PATCH", locations[1]!, Buffer.alloc(100, 1))).status, 202);
    assert.equal((await send("POST", "/v2/quota/app/blobs/uploads/")).status, 202);
    assert.equal(code(await send("POST", "/v2/quota/app/blobs/uploads/")), "DENIED");
  });
});

describe("repository deletes with workers", () => {
  const wharf = useWharf({ auth: true, env: twoWorkers });
  const admin = basicAuth("admin", adminPassword);
  // A connection per request (requestFrom), so the kernel spreads them over both workers.
  const tagsOf = (repository: string) =>
    requestFrom("127.0.0.1", `${wharf.url}/v2/${repository}/tags/list`, { headers: { authorization: admin } });

  test("a delete on one worker is seen by the other; the name pushed again is the new repository everywhere", async () => {
    await pushTestImage({ host: wharf.host, authorization: admin }, "admin/gone", ["old"]);
    for (let n = 0; n < 8; n++) assert.equal((await tagsOf("admin/gone")).status, 200);
    const api = createManagementClient(wharf.url);
    await api.expect(200, "DELETE", "/repositories/admin/gone", { as: ["admin", adminPassword] });
    for (let n = 0; n < 8; n++) {
      const answer = await tagsOf("admin/gone");
      assert.equal(answer.status, 404, `request ${n}: ${answer.text}`);
      assert.match(answer.text, /NAME_UNKNOWN/);
    }
    await pushTestImage({ host: wharf.host, authorization: admin }, "admin/gone", ["new"]);
    for (let n = 0; n < 8; n++) {
      const answer = await tagsOf("admin/gone");
      assert.equal(answer.status, 200, answer.text);
      assert.ok((JSON.parse(answer.text) as { tags: string[] }).tags.includes("new"), answer.text);
    }
    assert.equal((await servingPids(wharf, "/v2/admin/gone/tags/list", 24)).size, 2, "tag lists on both workers");
  });
});

describe("the proxy with workers", { skip: distributionUnavailable() }, () => {
  const wharf = useWharfWithLoopbackUpstreams({ env: twoWorkers });
  let upstream: DistributionServer;
  let forwarder: UpstreamForwarder;
  let image: TestImage;

  before(async () => {
    upstream = await startDistribution(testUser);
    image = await pushTestImage(
      { host: upstream.host, authorization: basicAuth(testUser.username, testUser.password) },
      "team/app",
    );
    forwarder = await startForwarder(upstream.host);
    const api = createManagementClient(wharf.url);
    const admin = ["admin", adminPassword] as const;
    await api.expect(201, "POST", "/orgs", { as: admin, body: { name: "acme" } });
    await api.expect(201, "POST", "/orgs/acme/apps", { as: admin, body: { slug: "shop" } });
    const registry = { name: "dist", registry: forwarder.host, insecure: true, ...testUser };
    await api.expect(201, "POST", "/orgs/acme/external-registries", { as: admin, body: registry });
  });
  after(async () => {
    await forwarder?.close();
    await upstream?.stop();
  });

  test("concurrent cold pulls of one blob on both workers make one upstream download", async () => {
    const repository = "proxy/shop/dist/team/app";
    const scope: [string, string][] = [
      ["service", "wharf"],
      ["scope", `repository:${repository}:pull`],
    ];
    const token = (await tokenBody(await requestToken(wharf.url, scope, basicAuth("admin", adminPassword)))).token;
    const digest = image.layer.digest;
    const path = `/v2/${repository}/blobs/${digest}`;
    let release!: () => void;
    forwarder.holdBlobs = new Promise((resolve) => {
      release = resolve;
    });
    const pulls = 12;
    const answers = Array.from(
      { length: pulls },
      () =>
        new Promise<{ status: number; digest: string }>((resolve, reject) => {
          get(`${wharf.url}${path}`, { agent: false, headers: { authorization: bearerAuth(token) } }, (res) => {
            const hash = createHash("sha256");
            res.on("data", (chunk: Buffer) => hash.update(chunk));
            res.once("end", () => resolve({ status: res.statusCode ?? 0, digest: `sha256:${hash.digest("hex")}` }));
            res.once("error", reject);
          }).once("error", reject);
        }),
    );
    // Every pull has missed the cache (counted on both workers) before the download may go on.
    while ((await metric(wharf, 'wharf_proxy_cache_misses_total{app="shop",kind="blob"}')) < pulls);
    release();
    for (const answer of await Promise.all(answers)) assert.deepEqual(answer, { status: 200, digest });
    assert.equal((await servingPids(wharf, path, pulls)).size, 2, "the pulls landed on both workers");
    // (A 401 before it is the registry client's first, unauthenticated try.)
    const downloads = forwarder.requests.filter((line) => line === `GET /v2/team/app/blobs/${digest} -> 200`);
    assert.equal(downloads.length, 1, `one upstream download: ${forwarder.requests.join(", ")}`);
  });

  test("a tag confirmed upstream by one worker is fresh on the other", async () => {
    const repository = "proxy/shop/dist/team/app";
    const scope: [string, string][] = [
      ["service", "wharf"],
      ["scope", `repository:${repository}:pull`],
    ];
    const token = (await tokenBody(await requestToken(wharf.url, scope, basicAuth("admin", adminPassword)))).token;
    const path = `/v2/${repository}/manifests/amd64`;
    const pulls = 12;
    for (let n = 0; n < pulls; n++) {
      const answer = await requestFrom("127.0.0.1", `${wharf.url}${path}`, {
        headers: { authorization: bearerAuth(token), accept: "application/vnd.oci.image.manifest.v1+json" },
      });
      assert.equal(answer.status, 200, answer.text);
    }
    assert.equal((await servingPids(wharf, path, pulls)).size, 2, "the pulls landed on both workers");
    const asked = forwarder.requests.filter((line) =>
      /^(GET|HEAD) \/v2\/team\/app\/manifests\/amd64 -> 200$/.test(line),
    );
    assert.equal(asked.length, 1, `the tag was asked about once: ${forwarder.requests.join(", ")}`);
  });
});
