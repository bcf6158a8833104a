import assert from "node:assert/strict";
import { test } from "node:test";
import { parseCidrList } from "./cidr-list.ts";

test("CIDRs and single addresses, IPv4 and IPv6", () => {
  const list = parseCidrList(["10.0.0.0/8", "127.0.0.1", "fd00::/8", "::1"]);
  assert.equal(list.check("10.200.3.4", "ipv4"), true);
  assert.equal(list.check("11.0.0.1", "ipv4"), false);
  assert.equal(list.check("127.0.0.1", "ipv4"), true);
  assert.equal(list.check("127.0.0.2", "ipv4"), false);
  assert.equal(list.check("fd12::5", "ipv6"), true);
  assert.equal(list.check("::1", "ipv6"), true);
  assert.equal(list.check("2001:db8::1", "ipv6"), false);
  assert.equal(parseCidrList([]).check("127.0.0.1", "ipv4"), false, "empty trusts nobody");
});

test("a malformed entry is refused with its text", () => {
  for (const bad of ["10.0.0.0/33", "::/129", "proxy.local", "10.0.0.0/8/8", "10.0.0.0/", "1.2.3.4/-1"]) {
    assert.throws(() => parseCidrList([bad]), new RegExp(JSON.stringify(bad).replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")));
  }
});
