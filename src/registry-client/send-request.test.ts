/**
 * @module
 * Redirects and timeouts against two loopback servers (two origins): a
 * registry's blob redirect must not carry its Authorization header to the
 * object store, and a server that stalls must not hang the client. The
 * outbound guard is asked at every hop: a redirect from an allowed server
 * to a refused address is not followed, and the connection goes to the
 * address the guard checked, never to a fresh DNS answer.
 */
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { createOutboundGuard } from "../net/create-outbound-guard.ts";
import type { OutboundGuard } from "../net/outbound-guard.ts";
import { allowLoopback } from "../net/testing/allow-loopback.ts";
import { readBody } from "./read-body.ts";
import { sendRequest } from "./send-request.ts";

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

const servers: Server[] = [];
const seen: { origin: string; path: string; authorization?: string }[] = [];
let registry = "";
let storage = "";

async function listen(name: () => string, handler: Handler): Promise<string> {
  const server = createServer((request, response) => {
    const { authorization } = request.headers;
    seen.push({ origin: name(), path: request.url ?? "", ...(authorization && { authorization }) });
    handler(request, response);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

before(async () => {
  storage = await listen(
    () => "storage",
    (_request, response) => response.end("blob bytes"),
  );
  registry = await listen(
    () => "registry",
    (request, response) => {
      if (request.url === "/blob") response.writeHead(307, { location: `${storage}/signed?sig=x` }).end();
      else if (request.url === "/same") response.writeHead(302, { location: "/final" }).end();
      else if (request.url === "/loop") response.writeHead(302, { location: "/loop" }).end();
      else if (request.url === "/to-metadata")
        response.writeHead(307, { location: "http://169.254.169.254/latest/meta-data/" }).end();
      else if (request.url === "/to-v6-loopback") response.writeHead(302, { location: "http://[::1]:9/v2/" }).end();
      else if (request.url === "/to-decimal") response.writeHead(301, { location: "http://2852039166/" }).end();
      else if (request.url === "/to-ftp") response.writeHead(302, { location: "ftp://8.8.8.8/" }).end();
      else if (request.url === "/host") response.end(request.headers.host);
      else if (request.url === "/stall-body") response.writeHead(200, { "content-length": "100" }).write("part");
      else if (request.url !== "/hang") response.end("final");
    },
  );
});

after(() => {
  for (const server of servers) server.closeAllConnections();
  return Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

const get = (path: string, timeoutMs = 2_000, guard: OutboundGuard = allowLoopback) =>
  sendRequest({
    method: "GET",
    url: new URL(path, registry),
    headers: { authorization: "Bearer secret" },
    timeoutMs,
    guard,
  });

describe("sendRequest", () => {
  it("follows a redirect to another origin without the Authorization header", async () => {
    seen.length = 0;
    const result = await get("/blob");
    assert.ok(result.ok);
    assert.equal(result.value.url.href, `${storage}/signed?sig=x`);
    assert.deepEqual(seen, [
      { origin: "registry", path: "/blob", authorization: "Bearer secret" },
      { origin: "storage", path: "/signed?sig=x" },
    ]);
    const body = await readBody(result.value.body, 1000, "GET");
    assert.equal(body.ok && body.value.toString(), "blob bytes");
  });

  it("keeps the Authorization header on a same-origin redirect", async () => {
    seen.length = 0;
    assert.ok((await get("/same")).ok);
    assert.equal(seen[1]?.authorization, "Bearer secret");
  });

  it("gives up on redirect loops", async () => {
    const result = await get("/loop");
    assert.equal(result.ok ? "ok" : result.failure.kind, "protocol");
  });

  it("times out a server that never answers, and a body that stalls", async () => {
    const hung = await get("/hang", 200);
    assert.ok(!hung.ok);
    assert.equal(hung.failure.kind, "unreachable");
    assert.match(hung.failure.message, /no response for 200 ms/);
    const stalled = await get("/stall-body", 200);
    assert.ok(stalled.ok);
    const body = await readBody(stalled.value.body, 1000, "GET /stall-body");
    assert.equal(body.ok ? "ok" : body.failure.kind, "unreachable");
  });

  it("refuses a redirect from an allowed server to a refused address, without connecting there", async () => {
    const only127001 = createOutboundGuard({ allow: ["127.0.0.1/32"] });
    for (const path of ["/to-metadata", "/to-v6-loopback", "/to-decimal"]) {
      seen.length = 0;
      const result = await get(path, 2_000, only127001);
      assert.ok(!result.ok, path);
      assert.equal(result.failure.kind, "forbidden-target", path);
      assert.match(result.failure.message, /outbound\.allow in the config \(WHARF_OUTBOUND__ALLOW\)$/);
      assert.equal(result.failure.status, undefined);
      assert.deepEqual(
        seen.map((s) => s.path),
        [path],
      );
    }
    const ftp = await get("/to-ftp", 2_000, only127001);
    assert.equal(ftp.ok ? "ok" : ftp.failure.kind, "protocol");
  });

  it("refuses the first request to a refused address before connecting", async () => {
    seen.length = 0;
    const result = await get("/same", 2_000, createOutboundGuard());
    assert.ok(!result.ok);
    assert.equal(result.failure.kind, "forbidden-target");
    assert.match(result.failure.message, /^GET http:\/\/127\.0\.0\.1:\d+\/same: 127\.0\.0\.1 is a loopback address/);
    assert.deepEqual(seen, []);
  });

  it("connects to the address the guard checked, keeping the URL's host name in Host", async () => {
    const port = new URL(registry).port;
    const pinned = createOutboundGuard({
      allow: ["127.0.0.1/32"],
      resolve: async () => [{ address: "127.0.0.1", family: 4 }],
    });
    const result = await sendRequest({
      method: "GET",
      url: new URL(`http://registry.rebinding.invalid:${port}/host`),
      headers: {},
      timeoutMs: 2_000,
      guard: pinned,
    });
    assert.ok(result.ok, result.ok ? "" : result.failure.message);
    const body = await readBody(result.value.body, 1000, "GET");
    assert.equal(body.ok && body.value.toString(), `registry.rebinding.invalid:${port}`);
  });
});
