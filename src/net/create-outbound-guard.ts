/**
 * @module
 * The outbound guard every request to another host goes through (see
 * outbound-guard.ts for the contract). Built once in the composition root
 * from `outbound.allow`; by default nothing special is allowed, so a user
 * who stores a pull secret for `http://169.254.169.254` or
 * `http://127.0.0.1:6379` gets a refusal instead of a port scanner.
 */
import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";
import { parseCidrList } from "./cidr-list.ts";
import { classifyAddress, isAllowedAddress } from "./classify-address.ts";
import type { CheckedAddress, OutboundDecision, OutboundGuard } from "./outbound-guard.ts";
import { pinnedLookup } from "./pinned-lookup.ts";

/** Resolves a host name to every address, as `dns.lookup(name, { all: true })` does. */
export type Resolver = (hostname: string) => Promise<readonly CheckedAddress[]>;

/** Options for {@link createOutboundGuard}. */
export interface OutboundGuardOptions {
  /** CIDRs (or single addresses) that may be reached although special: `outbound.allow`. Default none. */
  readonly allow?: readonly string[];
  /** Name resolution; defaults to `dns.lookup` with `all: true` (the system resolver, /etc/hosts included). */
  readonly resolve?: Resolver;
}

/** Where the message sends the user to allow an address. */
const allowKey = "outbound.allow in the config (WHARF_OUTBOUND__ALLOW)";

/** A guard allowing public addresses and `options.allow`. Throws on an invalid allow entry. */
export function createOutboundGuard(options: OutboundGuardOptions = {}): OutboundGuard {
  const allow = parseCidrList(options.allow ?? []);
  const resolve = options.resolve ?? systemResolver;

  async function check(url: URL): Promise<OutboundDecision> {
    const host = url.hostname;
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      const message = `the scheme ${url.protocol} is not http or https, which are the only ones Wharf connects with`;
      return { outcome: "refused", refusal: { host, address: url.protocol, message } };
    }
    const literal = host.startsWith("[") ? host.slice(1, -1) : host;
    let resolved: readonly CheckedAddress[];
    if (isIP(literal) !== 0) {
      resolved = [{ address: literal, family: isIP(literal) === 6 ? 6 : 4 }];
    } else {
      try {
        resolved = await resolve(literal);
      } catch (error) {
        return { outcome: "unresolved", error: error instanceof Error ? error : new Error(String(error)) };
      }
    }
    const addresses = resolved.filter(
      ({ address }) => isAllowedAddress(address, allow) || classifyAddress(address) === undefined,
    );
    if (addresses.length > 0) return { outcome: "allowed", addresses, lookup: pinnedLookup(addresses) };
    const first = resolved[0];
    if (first === undefined) return { outcome: "unresolved", error: new Error(`${literal} has no addresses`) };
    return { outcome: "refused", refusal: { host, address: first.address, message: refusalMessage(literal, first) } };
  }

  return { check };
}

function refusalMessage(host: string, { address }: CheckedAddress): string {
  const special = classifyAddress(address);
  const what = special?.what ?? "not an allowed address";
  const name = host === address ? "" : `${host} resolves to ${address}; `;
  const inside = special?.embedded === undefined ? "" : ` (it carries the IPv4 address ${special.embedded})`;
  return `${name}${address} is ${what}${inside}, which Wharf does not connect to; to allow it add its CIDR to ${allowKey}`;
}

const systemResolver: Resolver = async (hostname) => {
  const found = await dnsLookup(hostname, { all: true, verbatim: true });
  return found.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};
