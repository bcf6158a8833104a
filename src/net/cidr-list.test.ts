/**
 * @module
 * parseCidrList: ranges and single addresses of both families, IPv4-mapped
 * matching, and a clear error for anything else.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseCidrList } from "./cidr-list.ts";

describe("parseCidrList", () => {
  it("matches ranges and single addresses of both families", () => {
    const list = parseCidrList(["10.0.0.0/8", " 192.0.2.7 ", "fd00::/8", "::1", "0.0.0.0/0"]);
    assert.ok(list.check("10.200.0.1", "ipv4"));
    assert.ok(list.check("192.0.2.7", "ipv4"));
    assert.ok(list.check("fd12::1", "ipv6"));
    assert.ok(list.check("::1", "ipv6"));
    const narrow = parseCidrList(["10.0.0.0/8"]);
    assert.ok(!narrow.check("11.0.0.1", "ipv4"));
    assert.ok(narrow.check("::ffff:10.1.2.3", "ipv6"), "IPv4-mapped forms match IPv4 ranges");
  });

  it("is empty for no entries", () => {
    assert.ok(!parseCidrList([]).check("127.0.0.1", "ipv4"));
  });

  it("refuses host names, zones, bad prefixes and junk, naming the entry", () => {
    for (const entry of [
      "localhost",
      "10.0.0.0/33",
      "::1/129",
      "10.0.0.0/",
      "10.0.0.0/-1",
      "fe80::1%eth0",
      "",
      "10.0.0.0/8/8",
    ]) {
      assert.throws(
        () => parseCidrList([entry]),
        new RegExp(`^Error: ${JSON.stringify(entry).replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} is not an address range`),
        entry,
      );
    }
  });
});
