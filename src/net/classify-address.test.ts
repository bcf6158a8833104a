/**
 * @module
 * The address classification, on numeric addresses: every special range
 * refused with its name, IPv6 forms that carry an IPv4 address judged by
 * it, public addresses of both families allowed. Spellings of host names
 * (2130706433, 0x7f.1, …) are covered through the guard in
 * create-outbound-guard.test.ts, since they are resolved before this runs.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseCidrList } from "./cidr-list.ts";
import { classifyAddress, embeddedIPv4, isAllowedAddress } from "./classify-address.ts";

const special: Record<string, RegExp> = {
  "127.0.0.1": /loopback/,
  "127.255.255.254": /loopback/,
  "::1": /loopback/,
  "0.0.0.0": /unspecified/,
  "0.1.2.3": /unspecified/,
  "::": /unspecified/,
  "169.254.169.254": /link-local/,
  "fe80::1": /link-local/,
  "febf::1": /link-local/,
  "10.0.0.1": /private/,
  "172.16.0.1": /private/,
  "172.31.255.255": /private/,
  "192.168.1.1": /private/,
  "fc00::1": /private/,
  "fd12:3456::1": /private/,
  "fec0::1": /private/,
  "100.64.0.1": /carrier-grade NAT/,
  "100.127.255.255": /carrier-grade NAT/,
  "224.0.0.1": /multicast/,
  "239.255.255.250": /multicast/,
  "ff02::1": /multicast/,
  "255.255.255.255": /broadcast/,
  "240.0.0.1": /reserved/,
  "192.0.0.8": /reserved/,
  "192.0.2.1": /documentation/,
  "198.51.100.1": /documentation/,
  "203.0.113.1": /documentation/,
  "2001:db8::1": /documentation/,
  "198.18.0.1": /benchmarking/,
  "2001::1": /Teredo/,
  "::127.0.0.1": /IPv4-compatible/,
  "::8.8.8.8": /IPv4-compatible/,
  "64:ff9b:1::1": /local-use NAT64/,
  "100::1": /discard/,
};

describe("classifyAddress", () => {
  it("names every special range", () => {
    for (const [address, what] of Object.entries(special)) {
      const found = classifyAddress(address);
      assert.ok(found !== undefined, `${address} must be special`);
      assert.match(found.what, what, address);
    }
  });

  it("judges IPv4-mapped, IPv4-translated, NAT64 and 6to4 forms by the IPv4 address inside", () => {
    for (const address of [
      "::ffff:127.0.0.1",
      "::ffff:7f00:1",
      "::FFFF:127.0.0.1",
      "0:0:0:0:0:ffff:7f00:0001",
      "::ffff:0:127.0.0.1",
      "64:ff9b::127.0.0.1",
      "64:ff9b::7f00:1",
      "2002:7f00:1::",
    ]) {
      assert.deepEqual(classifyAddress(address), { address, embedded: "127.0.0.1", what: "a loopback address" });
    }
    assert.equal(classifyAddress("::ffff:169.254.169.254")?.embedded, "169.254.169.254");
    assert.equal(classifyAddress("64:ff9b::a00:1")?.what, "a private address");
    for (const address of ["::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"]) {
      assert.equal(classifyAddress(address), undefined, address);
    }
  });

  it("lets public addresses of both families through", () => {
    for (const address of [
      "8.8.8.8",
      "1.1.1.1",
      "93.184.216.34",
      "100.128.0.1",
      "172.32.0.1",
      "2606:4700::1",
      "2a00:1450:4001::1",
    ]) {
      assert.equal(classifyAddress(address), undefined, address);
    }
  });

  it("fails closed on anything that is not an IP address", () => {
    for (const text of ["localhost", "", "[::1]", "127.1", "2130706433", "fe80::1%eth0"]) {
      assert.equal(classifyAddress(text)?.what, "not an IP address", text);
    }
  });
});

describe("isAllowedAddress and embeddedIPv4", () => {
  it("allows an address, and the IPv6 forms of an allowed IPv4 address", () => {
    const allow = parseCidrList(["127.0.0.1/32", "fd00::/8"]);
    for (const address of ["127.0.0.1", "::ffff:127.0.0.1", "64:ff9b::7f00:1", "fd00::5"]) {
      assert.ok(isAllowedAddress(address, allow), address);
    }
    for (const address of ["127.0.0.2", "::1", "10.0.0.1", "not an address"]) {
      assert.ok(!isAllowedAddress(address, allow), address);
    }
  });

  it("extracts only from the ranges that carry IPv4", () => {
    assert.equal(embeddedIPv4("::ffff:10.1.2.3"), "10.1.2.3");
    assert.equal(embeddedIPv4("2002:a01:203::"), "10.1.2.3");
    assert.equal(embeddedIPv4("2606:4700::1"), undefined);
    assert.equal(embeddedIPv4("::1"), undefined);
  });
});
