import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import { test } from "node:test";
import { parseCidrList } from "../net/cidr-list.ts";
import { resolveRequestOrigin } from "./request-origin.ts";

// The function reads only these fields; the real-socket cases are in test/trusted-proxies.test.ts.
function request(peer: string, headers: Record<string, string>): IncomingMessage {
  const socket = { remoteAddress: peer, localAddress: "::ffff:127.0.0.1", localPort: 5000 };
  return { socket, headers } as unknown as IncomingMessage;
}

const settings = { trustedProxies: parseCidrList(["10.0.0.0/8", "::1"]) };

test("the right-most untrusted hop is the client; forged hops on its left are ignored", () => {
  const xff = { "x-forwarded-for": "6.6.6.6, 203.0.113.9, 10.0.0.7", host: "r.example" };
  assert.equal(resolveRequestOrigin(request("10.0.0.1", xff), settings).clientAddress, "203.0.113.9");
  assert.equal(resolveRequestOrigin(request("::ffff:10.0.0.1", xff), settings).clientAddress, "203.0.113.9");
  assert.equal(resolveRequestOrigin(request("192.0.2.1", xff), settings).clientAddress, "192.0.2.1", "untrusted peer");
});

test("a hop that is not an address stops the walk at the nearest trusted hop", () => {
  const headers = { "x-forwarded-for": "203.0.113.9, garbage, 10.0.0.7" };
  assert.equal(resolveRequestOrigin(request("10.0.0.1", headers), settings).clientAddress, "10.0.0.7");
});

test("only trusted hops: the left-most is the client", () => {
  const headers = { "x-forwarded-for": "10.1.1.1, 10.0.0.7" };
  assert.equal(resolveRequestOrigin(request("10.0.0.1", headers), settings).clientAddress, "10.1.1.1");
});

test("Forwarded wins over X-Forwarded-*, with quoted IPv6 and ports", () => {
  const headers = {
    forwarded: 'for="[2001:db8::1]:4711";proto=https;host=a.example, for=10.0.0.9;proto=https;host="reg.example:8443"',
    "x-forwarded-for": "198.51.100.1",
  };
  const origin = resolveRequestOrigin(request("::1", headers), settings);
  assert.deepEqual(origin, { clientAddress: "2001:db8::1", publicOrigin: "https://reg.example:8443" });
});

test("publicUrl wins; a malformed Host or forwarded host falls back", () => {
  const withUrl = { ...settings, publicUrl: "https://registry.example.com/" };
  const headers = { host: "evil.example", "x-forwarded-host": "evil2.example" };
  assert.equal(
    resolveRequestOrigin(request("10.0.0.1", headers), withUrl).publicOrigin,
    "https://registry.example.com",
  );
  const bad = { host: 'x",a=b', "x-forwarded-host": "a b", "x-forwarded-proto": "javascript" };
  assert.equal(resolveRequestOrigin(request("10.0.0.1", bad), settings).publicOrigin, "http://127.0.0.1:5000");
  const v6 = { host: "[::1]:5000" };
  assert.equal(resolveRequestOrigin(request("192.0.2.1", v6), settings).publicOrigin, "http://[::1]:5000");
});
