/**
 * @module
 * Is an IP address a public host, or one Wharf must not reach for a user?
 * Judged on the numeric address a name resolved to — never on how the name
 * was spelled, so `2130706433`, `0177.0.0.1`, `127.1` and a DNS name
 * pointing at 127.0.0.1 all end up as the same 127.0.0.1. IPv6 forms that
 * carry an IPv4 address (`::ffff:127.0.0.1`, `::ffff:0:127.0.0.1`,
 * NAT64 `64:ff9b::7f00:1`, 6to4 `2002:7f00:1::`) are judged by the IPv4
 * address inside, because that is where the packets go.
 */
import type { BlockList } from "node:net";
import { isIP } from "node:net";
import { parseCidrList } from "./cidr-list.ts";
import { specialAddressRanges } from "./special-address-ranges.ts";

/** Why an address is not a public host. */
export interface SpecialAddress {
  /** The address as given. */
  readonly address: string;
  /** The IPv4 address inside an IPv6 form, when that is what was judged. */
  readonly embedded?: string;
  /** "a loopback address", "a private address", … (see specialAddressRanges). */
  readonly what: string;
}

const ranges = specialAddressRanges.map((range) => ({ ...range, list: parseCidrList([range.cidr]) }));

/**
 * The reason `address` is special, or undefined for a public address.
 * `address` is an IP address without brackets or zone; anything else
 * (a host name, an empty string, a scoped `fe80::1%eth0`) is answered as
 * "not an IP address", so a caller that forgot to resolve a name fails closed.
 */
export function classifyAddress(address: string): SpecialAddress | undefined {
  const version = ipVersion(address);
  if (version === 0) return { address, what: "not an IP address" };
  if (version === 6) {
    const embedded = embeddedIPv4(address);
    if (embedded !== undefined) {
      const inner = specialUse(embedded, "ipv4");
      return inner === undefined ? undefined : { address, embedded, what: inner };
    }
  }
  const what = specialUse(address, version === 6 ? "ipv6" : "ipv4");
  return what === undefined ? undefined : { address, what };
}

/**
 * True when `allow` holds `address` — or, for an IPv6 form carrying an
 * IPv4 address, the address inside (allowing 10.1.0.0/16 allows the
 * NAT64 and IPv4-mapped spellings of its hosts too).
 */
export function isAllowedAddress(address: string, allow: BlockList): boolean {
  const version = ipVersion(address);
  if (version === 0) return false;
  if (allow.check(address, version === 6 ? "ipv6" : "ipv4")) return true;
  const embedded = version === 6 ? embeddedIPv4(address) : undefined;
  return embedded !== undefined && allow.check(embedded, "ipv4");
}

/** 4, 6, or 0 for anything else — including scoped addresses (`fe80::1%eth0`), which are never allowed. */
function ipVersion(address: string): number {
  return address.includes("%") ? 0 : isIP(address);
}

function specialUse(address: string, family: "ipv4" | "ipv6"): string | undefined {
  return ranges.find((range) => range.list.check(address, family))?.what;
}

/**
 * The IPv4 address carried by IPv4-mapped (::ffff:0:0/96), IPv4-translated
 * (::ffff:0:0:0/96), NAT64 (64:ff9b::/96) and 6to4 (2002::/16) addresses.
 */
export function embeddedIPv4(address: string): string | undefined {
  const g = ipv6Groups(address);
  if (g === undefined) return undefined;
  const zero = (from: number, to: number) => g.slice(from, to).every((group) => group === 0);
  if (zero(0, 5) && g[5] === 0xffff) return ipv4(g[6]!, g[7]!);
  if (zero(0, 4) && g[4] === 0xffff && g[5] === 0) return ipv4(g[6]!, g[7]!);
  if (g[0] === 0x64 && g[1] === 0xff9b && zero(2, 6)) return ipv4(g[6]!, g[7]!);
  if (g[0] === 0x2002) return ipv4(g[1]!, g[2]!);
  return undefined;
}

/** The eight 16-bit groups of a valid IPv6 address (a trailing dotted quad allowed). */
function ipv6Groups(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad !== null) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  const fill = tail === undefined ? 0 : 8 - left.length - right.length;
  const groups = [...left, ...Array<string>(fill).fill("0"), ...right].map((group) => Number.parseInt(group, 16));
  return groups.length === 8 && groups.every((group) => group >= 0 && group <= 0xffff) ? groups : undefined;
}

function ipv4(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join(".");
}
