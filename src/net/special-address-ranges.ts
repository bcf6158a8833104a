/**
 * @module
 * The address ranges Wharf does not connect to unless configuration allows
 * them: everything in the IANA special-purpose registries (RFC 6890 and
 * successors) that is not a public host on the internet — the machine
 * itself, its local networks, cloud metadata (169.254.169.254), carrier
 * NAT, multicast, and ranges reserved for documentation or future use.
 * A request that may reach them on behalf of a user is server-side request
 * forgery. Ranges that embed an IPv4 address (IPv4-mapped, NAT64, 6to4)
 * are not here: classifyAddress judges the embedded address instead.
 */

/** One range and the words for it ("127.0.0.1 is a loopback address"). */
export interface SpecialRange {
  readonly cidr: string;
  /** How a sentence names an address in the range: "a loopback address". */
  readonly what: string;
}

/** First match wins, so narrower ranges come before wider ones they sit in. */
export const specialAddressRanges: readonly SpecialRange[] = [
  { cidr: "0.0.0.0/8", what: "an unspecified address (this host)" },
  { cidr: "10.0.0.0/8", what: "a private address" },
  { cidr: "100.64.0.0/10", what: "a shared address (carrier-grade NAT)" },
  { cidr: "127.0.0.0/8", what: "a loopback address" },
  { cidr: "169.254.0.0/16", what: "a link-local address (cloud metadata lives here)" },
  { cidr: "172.16.0.0/12", what: "a private address" },
  { cidr: "192.0.0.0/24", what: "a reserved address (IETF protocol assignments)" },
  { cidr: "192.0.2.0/24", what: "a documentation address" },
  { cidr: "192.88.99.0/24", what: "a reserved address (6to4 relay anycast)" },
  { cidr: "192.168.0.0/16", what: "a private address" },
  { cidr: "198.18.0.0/15", what: "a benchmarking address" },
  { cidr: "198.51.100.0/24", what: "a documentation address" },
  { cidr: "203.0.113.0/24", what: "a documentation address" },
  { cidr: "224.0.0.0/4", what: "a multicast address" },
  { cidr: "255.255.255.255/32", what: "the broadcast address" },
  { cidr: "240.0.0.0/4", what: "a reserved address" },
  { cidr: "::/128", what: "an unspecified address (this host)" },
  { cidr: "::1/128", what: "a loopback address" },
  { cidr: "::/96", what: "an IPv4-compatible IPv6 address (deprecated)" },
  { cidr: "64:ff9b:1::/48", what: "a private address (local-use NAT64)" },
  { cidr: "100::/64", what: "a reserved address (discard-only)" },
  { cidr: "2001::/32", what: "a reserved address (Teredo)" },
  { cidr: "2001:2::/48", what: "a benchmarking address" },
  { cidr: "2001:db8::/32", what: "a documentation address" },
  { cidr: "3fff::/20", what: "a documentation address" },
  { cidr: "fc00::/7", what: "a private address (unique local)" },
  { cidr: "fe80::/10", what: "a link-local address" },
  { cidr: "fec0::/10", what: "a private address (site-local, deprecated)" },
  { cidr: "ff00::/8", what: "a multicast address" },
];
