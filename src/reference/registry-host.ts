/**
 * @module
 * The registry-host grammar of Docker references: a DNS-style host name
 * (labels of letters, digits and inner `-`, upper case allowed), a dotted IPv4
 * address, or an IPv6 address in brackets, then an optional `:port` of digits.
 * It is deliberately narrower than DNS — no `_`, no trailing dot, no IPv6
 * zone — because Docker's is, and a host Docker refuses must not become a
 * Wharf proxy target. Checked piece by piece so the message can say which
 * piece is wrong.
 */

import { quoteInput } from "./quote-input.ts";

const labelPattern = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
const ipv6Pattern = /^\[[a-fA-F0-9:]+\]$/;
const portPattern = /^[0-9]+$/;

/**
 * Returns undefined when `host` is a valid registry host (with optional port),
 * else a sentence saying what is wrong and what to write instead. Ports are
 * checked as digits only, like Docker (no range check: `:99999` passes).
 * Upper case is allowed. Never throws.
 */
export function checkRegistryHost(host: string): string | undefined {
  const { hostname, port } = splitPort(host);
  if (port !== undefined && !portPattern.test(port)) {
    return `port ${quoteInput(port)} of registry host ${quoteInput(host)} must be a number, as in "localhost:5000"`;
  }
  if (hostname.startsWith("[")) {
    if (ipv6Pattern.test(hostname)) return undefined;
    return `registry host ${quoteInput(host)} is not a valid IPv6 address: write hexadecimal digits and ":" inside brackets, as in "[::1]:5000" (zones such as %eth0 are not allowed)`;
  }
  if (hostname === "") return `registry host ${quoteInput(host)} has no host name before its port`;
  const labels = hostname.split(".");
  if (labels.some((label) => label === "")) {
    return `registry host ${quoteInput(host)} has an empty part between dots: remove the extra "."`;
  }
  const bad = labels.find((label) => !labelPattern.test(label));
  if (bad === undefined) return undefined;
  return `registry host ${quoteInput(host)} is not a valid host name: ${quoteInput(bad)} must be letters, digits and "-", not starting or ending with "-"`;
}

/** Splits `name:port`, `[v6]:port` or a bare name; a `]` not followed by `:` or the end keeps all as hostname. */
function splitPort(host: string): { hostname: string; port?: string } {
  if (host.startsWith("[")) {
    const close = host.indexOf("]");
    if (close < 0 || host[close + 1] !== ":") return { hostname: host };
    return { hostname: host.slice(0, close + 1), port: host.slice(close + 2) };
  }
  const colon = host.indexOf(":");
  if (colon < 0) return { hostname: host };
  return { hostname: host.slice(0, colon), port: host.slice(colon + 1) };
}
