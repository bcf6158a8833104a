import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import { BlockList } from "node:net";
import { describe, test } from "node:test";
import { attachRequestOrigin } from "../request-origin.ts";
import {
  csrfMatches,
  csrfTokenFor,
  decodeSession,
  encodeSession,
  readCookies,
  sessionCookies,
} from "./session-cookie.ts";

function request(headers: Record<string, string>, publicUrl = "http://127.0.0.1:5000"): IncomingMessage {
  const req = { headers, socket: { remoteAddress: "127.0.0.1" } } as unknown as IncomingMessage;
  attachRequestOrigin(req, { trustedProxies: new BlockList(), publicUrl });
  return req;
}

describe("session cookies", () => {
  test("a session round-trips through the cookie value, whatever the user name holds", () => {
    const session = { username: "ann.o'neil", token: "wharf_pat_abc" };
    assert.deepEqual(decodeSession(encodeSession(session)), session);
  });

  test("malformed values are no session", () => {
    for (const value of [undefined, "", ".", "abc", "a.b.c", `${"a".repeat(5000)}.b`]) {
      assert.equal(decodeSession(value), undefined, String(value).slice(0, 20));
    }
  });

  test("cookies are read by name, the first of each name wins", () => {
    const cookies = readCookies(request({ cookie: "a=1; wharf_session=x.y; a=2" }));
    assert.equal(cookies.get("a"), "1");
    assert.equal(cookies.get("wharf_session"), "x.y");
  });

  test("the CSRF header must be the session's own token", () => {
    const token = "wharf_pat_secret";
    assert.equal(csrfMatches(request({ "x-csrf-token": csrfTokenFor(token) }), token), true);
    assert.equal(csrfMatches(request({ "x-csrf-token": csrfTokenFor("another") }), token), false);
    assert.equal(csrfMatches(request({ "x-csrf-token": "short" }), token), false);
    assert.equal(csrfMatches(request({}), token), false);
  });

  test("cookies are HttpOnly (the session), SameSite=Strict, and Secure only under https", () => {
    const session = { username: "ann", token: "wharf_pat_abc" };
    const plain = sessionCookies(request({}), session, 60);
    assert.match(plain[0]!, /^wharf_session=[^;]+; HttpOnly; Path=\/; SameSite=Strict; Max-Age=60$/);
    assert.match(
      plain[1]!,
      new RegExp(`^wharf_csrf=${csrfTokenFor(session.token)}; Path=/; SameSite=Strict; Max-Age=60$`),
    );
    const secure = sessionCookies(request({}, "https://registry.example.com"), session, 60);
    assert.ok(secure.every((c) => c.endsWith("; Secure")));
    const cleared = sessionCookies(request({}), undefined, 0);
    assert.ok(cleared.every((c) => /^wharf_\w+=; /.test(c) && c.includes("Max-Age=0")));
  });
});
