/**
 * @module
 * The Bearer token dance end to end, against a stand-in registry and token
 * server on loopback (Distribution 2.8 ships no token server; these move
 * to Wharf's own token auth when it lands): challenge → token → retry,
 * token reuse, refused and revoked tokens, and the identity-token grant;
 * a realm on a refused address is never asked (the outbound guard covers
 * the token request too).
 */
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, it } from "node:test";
import { allowLoopback } from "../net/testing/allow-loopback.ts";
import { createRegistryClient } from "./create-registry-client.ts";

let server: Server;
let host: string;
const valid = new Set<string>();
const tokenRequests: { method: string; query: URLSearchParams; basic?: string; form?: URLSearchParams }[] = [];
const registryHits: string[] = [];

async function readAll(request: IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of request) text += chunk;
  return text;
}

async function issueToken(request: IncomingMessage, url: URL): Promise<[number, unknown]> {
  const basic = request.headers.authorization?.replace(/^Basic /, "");
  const body = await readAll(request);
  const form = request.method === "POST" ? new URLSearchParams(body) : undefined;
  tokenRequests.push({
    method: request.method ?? "",
    query: url.searchParams,
    ...(basic && { basic: Buffer.from(basic, "base64").toString() }),
    ...(form && { form }),
  });
  const refused = { errors: [{ code: "UNAUTHORIZED", message: "incorrect username or password" }] };
  if (basic !== undefined && Buffer.from(basic, "base64").toString() !== "ann:good") return [401, refused];
  if (form !== undefined && form.get("refresh_token") !== "refresh-ok") return [401, refused];
  const token = `tok-${tokenRequests.length}`;
  valid.add(token);
  return [200, form ? { access_token: token, expires_in: 300 } : { token, expires_in: 300 }];
}

before(async () => {
  server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", `http://${host}`);
    if (url.pathname === "/token") {
      const [status, body] = await issueToken(request, url);
      response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      return;
    }
    registryHits.push(`${url.pathname} ${request.headers.authorization ?? "-"}`);
    const token = request.headers.authorization?.replace(/^Bearer /, "");
    if (token === undefined || !valid.has(token)) {
      const repo = /^\/v2\/(.+)\/tags\/list$/.exec(url.pathname)?.[1];
      const scope = repo === undefined ? "" : `,scope="repository:${repo}:pull"`;
      const realm = url.pathname.startsWith("/v2/ssrf/") ? "http://169.254.169.254/token" : `http://${host}/token`;
      const challenge = `Bearer realm="${realm}",service="stand-in"${scope}`;
      response.writeHead(401, { "www-authenticate": challenge }).end();
      return;
    }
    response.writeHead(200, { "content-type": "application/json" }).end('{"tags":["t1"]}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  valid.clear();
  tokenRequests.length = 0;
  registryHits.length = 0;
});

const repo = () => ({ domain: host, path: "team/app" });

describe("Bearer authentication", () => {
  it("fetches an anonymous token for the challenged scope and reuses it", async () => {
    const client = createRegistryClient({ outbound: allowLoopback, insecure: true, retries: 0 });
    assert.deepEqual(await client.listTags(repo()), { ok: true, value: ["t1"] });
    assert.deepEqual(await client.listTags(repo()), { ok: true, value: ["t1"] });
    assert.equal(tokenRequests.length, 1);
    assert.equal(tokenRequests[0]?.query.get("service"), "stand-in");
    assert.equal(tokenRequests[0]?.query.get("scope"), "repository:team/app:pull");
    assert.deepEqual(registryHits, [
      "/v2/team/app/tags/list -",
      "/v2/team/app/tags/list Bearer tok-1",
      "/v2/team/app/tags/list Bearer tok-1",
    ]);
  });

  it("exchanges a username and password at the token server", async () => {
    const credentials = { [host]: { username: "ann", password: "good" } };
    const client = createRegistryClient({ outbound: allowLoopback, insecure: true, retries: 0, credentials });
    assert.ok((await client.checkBase(host)).ok);
    assert.equal(tokenRequests[0]?.basic, "ann:good");
    assert.equal(tokenRequests[0]?.query.get("account"), "ann");
    assert.equal(tokenRequests[0]?.query.has("scope"), false);
  });

  it("reports credentials the token server refuses as unauthorized", async () => {
    const credentials = { [host]: { username: "ann", password: "bad-pass" } };
    const result = await createRegistryClient({ outbound: allowLoopback, insecure: true, credentials }).checkBase(host);
    assert.ok(!result.ok);
    assert.equal(result.failure.kind, "unauthorized");
    assert.match(result.failure.message, /incorrect username or password/);
    assert.ok(!result.failure.message.includes("bad-pass"));
  });

  it("uses an identity token with the refresh_token grant", async () => {
    const credentials = () => ({ identityToken: "refresh-ok" });
    const client = createRegistryClient({ outbound: allowLoopback, insecure: true, retries: 0, credentials });
    assert.deepEqual(await client.listTags(repo()), { ok: true, value: ["t1"] });
    assert.equal(tokenRequests[0]?.method, "POST");
    assert.equal(tokenRequests[0]?.form?.get("grant_type"), "refresh_token");
    assert.equal(tokenRequests[0]?.form?.get("scope"), "repository:team/app:pull");
  });

  it("replaces a token the registry stops accepting", async () => {
    const client = createRegistryClient({ outbound: allowLoopback, insecure: true, retries: 0 });
    assert.ok((await client.listTags(repo())).ok);
    valid.clear(); // revoked
    assert.deepEqual(await client.listTags(repo()), { ok: true, value: ["t1"] });
    assert.equal(tokenRequests.length, 2);
    assert.equal(registryHits.at(-1), "/v2/team/app/tags/list Bearer tok-2");
  });

  it("refuses a token realm on a refused address without asking it", async () => {
    const client = createRegistryClient({ outbound: allowLoopback, insecure: true, retries: 0 });
    const result = await client.listTags({ domain: host, path: "ssrf/app" });
    assert.ok(!result.ok);
    assert.equal(result.failure.kind, "forbidden-target");
    assert.match(result.failure.message, /169\.254\.169\.254 is a link-local address/);
    assert.deepEqual(tokenRequests, []);
  });
});
