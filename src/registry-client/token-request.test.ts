/**
 * @module
 * Building token requests and reading token responses, per the token and
 * OAuth specs. The whole Bearer flow is exercised against a live token
 * server in the client's end-to-end tests once Wharf's token auth exists;
 * Distribution 2.8 has no token server of its own.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildTokenRequest, parseTokenResponse } from "./token-request.ts";

const challenge = {
  realm: "https://auth.example/token?client=x",
  service: "registry.example",
  scope: "repository:team/app:pull repository:team/base:pull",
};

function built(...args: Parameters<typeof buildTokenRequest>) {
  const result = buildTokenRequest(...args);
  assert.ok(result.ok, JSON.stringify(result));
  return result.value;
}

describe("buildTokenRequest", () => {
  it("asks anonymously with GET, service and one scope parameter per scope", () => {
    const request = built(challenge, undefined, "wharf");
    assert.equal(request.method, "GET");
    assert.deepEqual(request.headers, {});
    assert.equal(request.url.origin + request.url.pathname, "https://auth.example/token");
    assert.equal(request.url.searchParams.get("client"), "x");
    assert.equal(request.url.searchParams.get("service"), "registry.example");
    assert.deepEqual(request.url.searchParams.getAll("scope"), [
      "repository:team/app:pull",
      "repository:team/base:pull",
    ]);
    assert.equal(request.url.searchParams.has("account"), false);
  });

  it("sends a username and password as Basic, with account", () => {
    const request = built(challenge, { username: "ann", password: "s3cret:x" }, "wharf");
    assert.equal(request.method, "GET");
    const expected = Buffer.from("ann:s3cret:x").toString("base64");
    assert.equal(request.headers.authorization, `Basic ${expected}`);
    assert.equal(request.url.searchParams.get("account"), "ann");
    assert.equal(request.url.href.includes("s3cret"), false);
  });

  it("exchanges an identity token with the OAuth2 refresh_token grant", () => {
    const request = built(challenge, { identityToken: "refresh-123" }, "wharf");
    assert.equal(request.method, "POST");
    assert.equal(request.headers["content-type"], "application/x-www-form-urlencoded");
    const form = new URLSearchParams(request.body);
    assert.equal(form.get("grant_type"), "refresh_token");
    assert.equal(form.get("refresh_token"), "refresh-123");
    assert.equal(form.get("client_id"), "wharf");
    assert.equal(form.get("service"), "registry.example");
    assert.equal(form.get("scope"), "repository:team/app:pull repository:team/base:pull");
    assert.equal(request.url.search, "?client=x");
  });

  it("omits what the challenge did not give", () => {
    const request = built({ realm: "http://127.0.0.1:1/t" }, undefined, "wharf");
    assert.equal(request.url.search, "");
  });

  it("refuses realms that are not absolute http(s) URLs", () => {
    for (const realm of ["", "/token", "ftp://auth.example/token", "not a url"]) {
      const result = buildTokenRequest({ realm }, undefined, "wharf");
      assert.equal(result.ok ? "ok" : result.failure.kind, "protocol", realm);
    }
  });
});

describe("parseTokenResponse", () => {
  const parse = (body: unknown) => parseTokenResponse(new TextEncoder().encode(JSON.stringify(body)), "token request");

  it("reads token or access_token and expires_in", () => {
    assert.deepEqual(parse({ token: "t1", expires_in: 300 }), {
      ok: true,
      value: { token: "t1", expiresInSeconds: 300 },
    });
    assert.deepEqual(parse({ access_token: "t2" }), {
      ok: true,
      value: { token: "t2", expiresInSeconds: 60 },
    });
    const both = parse({ token: "", access_token: "t3", expires_in: -5 });
    assert.deepEqual(both, { ok: true, value: { token: "t3", expiresInSeconds: 60 } });
  });

  it("fails with protocol, without echoing the body", () => {
    for (const body of [{}, { token: 5 }, [], null, "x"]) {
      const result = parse(body);
      assert.equal(result.ok ? "ok" : result.failure.kind, "protocol");
    }
    const notJson = parseTokenResponse(new TextEncoder().encode("secret-ish <html>"), "token request");
    assert.ok(!notJson.ok && !notJson.failure.message.includes("secret-ish"));
  });
});
