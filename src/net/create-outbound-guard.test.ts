/**
 * @module
 * The guard as callers use it: a URL in, a decision out. Every odd spelling
 * of a loopback or internal host (decimal, octal, hex, short forms, full
 * width digits, percent-encoding, IPv6 forms carrying IPv4, names that
 * resolve there) is refused by default with a message naming the config
 * key, and allowed once its range is in `allow`; public addresses pass
 * without asking DNS; a name resolving to some refused addresses keeps
 * only the others; the lookup handed to the connection answers only with
 * checked addresses.
 */
import assert from "node:assert/strict";
import type { LookupAddress } from "node:dns";
import { describe, it } from "node:test";
import { createOutboundGuard, type Resolver } from "./create-outbound-guard.ts";
import type { OutboundDecision } from "./outbound-guard.ts";

const loopbackSpellings = [
  "127.0.0.1",
  "127.1",
  "127.0.1",
  "2130706433",
  "0177.0.0.1",
  "0x7f.1",
  "0x7f000001",
  "017700000001",
  "127.000.000.001",
  "127.0.0.1.",
  "%31%32%37.0.0.1",
  "\uff11\uff12\uff17.\uff10.\uff10.\uff11",
  "[::1]",
  "[0:0:0:0:0:0:0:1]",
  "[::ffff:127.0.0.1]",
  "[::ffff:7f00:1]",
  "[::ffff:0:127.0.0.1]",
  "[64:ff9b::127.0.0.1]",
  "[2002:7f00:1::]",
  "localhost",
  "LOCALHOST",
];
const otherRefused = [
  "0.0.0.0",
  "0",
  "[::]",
  "169.254.169.254",
  "2852039166",
  "[::ffff:169.254.169.254]",
  "[fe80::1]",
  "10.0.0.1",
  "012.0.0.1",
  "172.16.0.1",
  "192.168.0.1",
  "[fd00::1]",
  "100.64.0.1",
  "224.0.0.1",
  "[ff02::1]",
  "255.255.255.255",
  "240.0.0.1",
  "192.0.2.1",
  "[2001:db8::1]",
  "[::127.0.0.1]",
];
const publicHosts = ["8.8.8.8", "1.1.1.1", "[2606:4700::1]", "[::ffff:8.8.8.8]", "[64:ff9b::808:808]", "134744072"];

const noDns: Resolver = async (name) => {
  throw new Error(`DNS asked for ${name}`);
};

function check(guard: ReturnType<typeof createOutboundGuard>, host: string): Promise<OutboundDecision> {
  return guard.check(new URL(`http://${host}:5000/v2/`));
}

describe("the outbound guard by default", () => {
  const guard = createOutboundGuard();

  it("refuses every spelling of loopback and of internal ranges, naming the config key", async () => {
    for (const host of [...loopbackSpellings, ...otherRefused]) {
      const decision = await check(guard, host);
      assert.equal(decision.outcome, "refused", host);
      if (decision.outcome !== "refused") continue;
      assert.match(
        decision.refusal.message,
        /is (a|an|the) .*address.*, which Wharf does not connect to; to allow it add its CIDR to outbound\.allow in the config \(WHARF_OUTBOUND__ALLOW\)$/,
        host,
      );
    }
    const local = await check(guard, "2130706433");
    assert.ok(local.outcome === "refused");
    assert.equal(
      local.refusal.message,
      "127.0.0.1 is a loopback address, which Wharf does not connect to; to allow it add its CIDR to outbound.allow in the config (WHARF_OUTBOUND__ALLOW)",
    );
    const mapped = await check(guard, "[::ffff:169.254.169.254]");
    assert.ok(mapped.outcome === "refused");
    assert.match(
      mapped.refusal.message,
      /^::ffff:a9fe:a9fe is a link-local address .*\(it carries the IPv4 address 169\.254\.169\.254\)/,
    );
  });

  it("names the resolved address for a host name", async () => {
    const decision = await check(guard, "localhost");
    assert.ok(decision.outcome === "refused");
    assert.match(decision.refusal.message, /^localhost resolves to (127\.0\.0\.1|::1); .* is a loopback address/);
  });

  it("allows public addresses without asking DNS", async () => {
    const literal = createOutboundGuard({ resolve: noDns });
    for (const host of publicHosts) {
      const decision = await check(literal, host);
      assert.equal(decision.outcome, "allowed", host);
    }
  });

  it("refuses schemes other than http and https", async () => {
    for (const url of ["ftp://8.8.8.8/", "file:///etc/passwd", "gopher://8.8.8.8:70/"]) {
      const decision = await guard.check(new URL(url));
      assert.ok(decision.outcome === "refused", url);
      assert.match(decision.refusal.message, /is not http or https/);
    }
  });
});

describe("the outbound guard with outbound.allow", () => {
  it("allows what the list holds, in every spelling, and nothing else", async () => {
    const guard = createOutboundGuard({ allow: ["127.0.0.0/8", "::1/128"] });
    for (const host of loopbackSpellings) {
      assert.equal((await check(guard, host)).outcome, "allowed", host);
    }
    for (const host of otherRefused) {
      assert.equal((await check(guard, host)).outcome, "refused", host);
    }
    const metadata = createOutboundGuard({ allow: ["169.254.169.254/32"] });
    assert.equal((await check(metadata, "[::ffff:169.254.169.254]")).outcome, "allowed");
    assert.equal((await check(metadata, "169.254.169.253")).outcome, "refused");
  });

  it("refuses an invalid entry when built", () => {
    assert.throws(() => createOutboundGuard({ allow: ["intranet"] }), /"intranet" is not an address range/);
  });
});

describe("names and the lookup handed to the connection", () => {
  const table: Record<string, LookupAddress[]> = {
    "mixed.test": [
      { address: "10.0.0.7", family: 4 },
      { address: "93.184.216.34", family: 4 },
      { address: "2606:4700::1", family: 6 },
    ],
    "inside.test": [{ address: "10.0.0.7", family: 4 }],
  };
  const resolve: Resolver = async (name) => {
    const found = table[name];
    if (found === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: "ENOTFOUND" });
    return found.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
  };
  const guard = createOutboundGuard({ resolve });

  it("keeps only the allowed addresses of a name, and the lookup answers only with them", async () => {
    const decision = await check(guard, "mixed.test");
    assert.ok(decision.outcome === "allowed");
    assert.deepEqual(
      decision.addresses.map((a) => a.address),
      ["93.184.216.34", "2606:4700::1"],
    );
    const all = await new Promise((done) =>
      decision.lookup("anything.else", { all: true }, (_error, addresses) => done(addresses)),
    );
    assert.deepEqual(all, [
      { address: "93.184.216.34", family: 4 },
      { address: "2606:4700::1", family: 6 },
    ]);
    const six = await new Promise((done) =>
      decision.lookup("mixed.test", { family: 6 }, (_error, address, family) => done([address, family])),
    );
    assert.deepEqual(six, ["2606:4700::1", 6]);
  });

  it("refuses a name whose addresses are all refused, and reports one that does not resolve", async () => {
    const inside = await check(guard, "inside.test");
    assert.ok(inside.outcome === "refused");
    assert.match(inside.refusal.message, /^inside\.test resolves to 10\.0\.0\.7; 10\.0\.0\.7 is a private address/);
    const missing = await check(guard, "missing.test");
    assert.ok(missing.outcome === "unresolved");
    assert.match(missing.error.message, /ENOTFOUND/);
  });
});
