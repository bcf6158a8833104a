/**
 * @module
 * Wharf behind a reverse proxy (`http.trustedProxies`) and in front of
 * hostile clients, over real connections from chosen loopback addresses:
 * 127.0.0.5 plays the trusted proxy, 127.0.0.6 an untrusted client. Only a
 * trusted peer's `X-Forwarded-*` / `Forwarded` headers count — for the
 * client address (rate limits, request log) and for the Bearer realm —
 * the right-most untrusted hop is the client, and a `Host` header that is
 * not a plain `host[:port]` can never reach the challenge.
 */
import assert from "node:assert/strict";
import { connect } from "node:net";
import { describe, test } from "node:test";
import { type HttpAnswer, requestFrom } from "./support/http-from.ts";
import { basicAuth, parseChallenge } from "./support/registry-auth.ts";
import { waitForRequest } from "./support/request-log.ts";
import { adminPassword, useWharf } from "./support/start-wharf.ts";

const proxy = "127.0.0.5";
const stranger = "127.0.0.6";

function login(base: string, from: string, password: string, headers: Record<string, string> = {}) {
  return requestFrom(from, `${base}/auth/token?service=wharf`, {
    headers: { ...headers, authorization: basicAuth("admin", password) },
  });
}

function realmOf(answer: HttpAnswer): string | undefined {
  return parseChallenge(answer.headers.get("www-authenticate")).params.realm;
}

/** Sends a raw request with `host` as the Host header (bytes as given) and returns the raw answer head. */
function rawHead(base: string, host: string): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => {
      socket.write(`GET /v2/ HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    });
    let text = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      text += chunk;
    });
    socket.once("end", () => resolve(text.split("\r\n\r\n")[0]!));
    socket.once("error", reject);
  });
}

describe("behind a trusted proxy (http.trustedProxies 127.0.0.5/32, 10.0.0.0/8)", () => {
  const wharf = useWharf({ auth: true, env: { WHARF_HTTP__TRUSTED_PROXIES: "127.0.0.5/32, 10.0.0.0/8" } });

  test("the client behind the proxy is rate-limited by its own address, not the proxy's", async () => {
    const attacker = { "x-forwarded-for": "203.0.113.9, 10.1.2.3" };
    for (let n = 1; n <= 10; n++) assert.equal((await login(wharf.url, proxy, `guess-${n}`, attacker)).status, 401);
    assert.equal((await login(wharf.url, proxy, adminPassword, attacker)).status, 429, "the attacker is blocked");
    const forged = { "x-forwarded-for": "198.51.100.77, 203.0.113.9" };
    assert.equal(
      (await login(wharf.url, proxy, adminPassword, forged)).status,
      429,
      "a forged left-most hop does not unblock the attacker: the right-most untrusted hop is the client",
    );
    const user = { "x-forwarded-for": "198.51.100.7" };
    const ok = await login(wharf.url, proxy, adminPassword, user);
    assert.equal(ok.status, 200, `the real user behind the same proxy is not locked out: ${ok.text}`);
  });

  test("the request log names the forwarded client; Forwarded (RFC 7239) is read too", async () => {
    await requestFrom(proxy, `${wharf.url}/healthz?via=xff`, { headers: { "x-forwarded-for": "192.0.2.44" } });
    await requestFrom(proxy, `${wharf.url}/healthz?via=forwarded`, {
      headers: { forwarded: 'for="[2001:db8::7]:4711";proto=https, for=10.9.9.9' },
    });
    await requestFrom(stranger, `${wharf.url}/healthz?via=stranger`, { headers: { "x-forwarded-for": "192.0.2.45" } });
    const logged = await waitForRequest(wharf.output, (r) => r.path === "/healthz?via=stranger");
    const remoteOf = (path: string) => logged.find((r) => r.path === path)?.remote;
    assert.equal(remoteOf("/healthz?via=xff"), "192.0.2.44");
    assert.equal(remoteOf("/healthz?via=forwarded"), "2001:db8::7");
    assert.equal(remoteOf("/healthz?via=stranger"), stranger, "an untrusted peer's X-Forwarded-For is ignored");
  });

  test("the Bearer realm follows the trusted proxy's proto and host, and only the trusted proxy's", async () => {
    const headers = { "x-forwarded-proto": "https", "x-forwarded-host": "registry.example.com" };
    const viaProxy = await requestFrom(proxy, `${wharf.url}/v2/`, { headers });
    assert.equal(realmOf(viaProxy), "https://registry.example.com/auth/token");
    const forwarded = await requestFrom(proxy, `${wharf.url}/v2/`, {
      headers: { forwarded: "for=192.0.2.60;proto=https;host=reg.example.net" },
    });
    assert.equal(realmOf(forwarded), "https://reg.example.net/auth/token");
    const direct = await requestFrom(stranger, `${wharf.url}/v2/`, { headers });
    assert.equal(realmOf(direct), `${wharf.url}/auth/token`, "an untrusted peer's X-Forwarded-Host is ignored");
  });

  test("an untrusted client cannot escape its limit by rotating X-Forwarded-For", async () => {
    for (let n = 1; n <= 10; n++) {
      const headers = { "x-forwarded-for": `198.18.0.${n}` };
      assert.equal((await login(wharf.url, stranger, `guess-${n}`, headers)).status, 401);
    }
    const next = await login(wharf.url, stranger, adminPassword, { "x-forwarded-for": "198.18.0.99" });
    assert.equal(next.status, 429);
  });
});

describe("hostile Host headers (no proxy trusted, no publicUrl)", () => {
  const wharf = useWharf({ auth: true });

  test("a Host that is not host[:port] never reaches the challenge", async () => {
    let challenged = 0;
    for (const host of ['evil.example.com",error="x', "a.example.com, b", "a b", "evil.example.com/path", "x@y"]) {
      const head = await rawHead(wharf.url, host);
      const challenge = /^www-authenticate: (.*)$/im.exec(head)?.[1];
      if (challenge === undefined) {
        assert.match(head, /^HTTP\/1\.1 400 /, `neither a challenge nor a 400 for Host ${host}:\n${head}`);
        continue;
      }
      const port = new URL(wharf.url).port;
      assert.ok(
        challenge.startsWith(`Bearer realm="http://127.0.0.1:${port}/auth/token",service="wharf"`),
        `Host ${JSON.stringify(host)} gave ${challenge}`,
      );
      challenged++;
    }
    assert.ok(challenged >= 3, `only ${challenged} hostile Host headers got past Node's parser to the challenge`);
  });

  test("a well-formed Host is used (set publicUrl in production: see README Security)", async () => {
    const head = await rawHead(wharf.url, "registry.example.org:8443");
    assert.match(head, /realm="http:\/\/registry\.example\.org:8443\/auth\/token"/);
  });
});

describe("with publicUrl set", () => {
  const wharf = useWharf({ auth: true, env: { WHARF_PUBLIC_URL: "https://registry.vendor.example" } });

  test("the realm is publicUrl whatever the Host or forwarding headers say", async () => {
    const head = await rawHead(wharf.url, "evil.example.com");
    assert.match(head, /realm="https:\/\/registry\.vendor\.example\/auth\/token"/);
  });
});

describe("listening on every interface without publicUrl", () => {
  const wharf = useWharf({ auth: true, args: ["--listen", "0.0.0.0:0"] });

  test("warns once at start that publicUrl is not set", async () => {
    const warnings = wharf.output().match(/publicUrl is not set/g) ?? [];
    assert.equal(warnings.length, 1, wharf.output());
  });
});
