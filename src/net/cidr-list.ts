/**
 * @module
 * A list of address ranges as configuration writes them (`10.0.0.0/8`,
 * `fd00::/8`, or a single address) turned into a `node:net` BlockList, the
 * one matcher every address rule in Wharf uses. BlockList also matches an
 * IPv4-mapped IPv6 address (`::ffff:10.1.2.3`) against IPv4 ranges.
 */
import { BlockList, isIP } from "node:net";

/**
 * A BlockList holding every entry of `entries`: `address/prefix` (IPv4
 * prefix 0–32, IPv6 0–128) or a bare address (one host). Surrounding
 * spaces are ignored. Throws an Error naming the first entry that is not
 * one of those forms (a host name, a zone `%eth0`, a prefix out of range).
 */
export function parseCidrList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const raw of entries) {
    const entry = raw.trim();
    const slash = entry.indexOf("/");
    const address = slash < 0 ? entry : entry.slice(0, slash);
    const version = address.includes("%") ? 0 : isIP(address);
    const bits = version === 6 ? 128 : 32;
    const prefixText = slash < 0 ? String(bits) : entry.slice(slash + 1);
    const prefix = /^[0-9]{1,3}$/.test(prefixText) ? Number(prefixText) : Number.NaN;
    if (version === 0 || !(prefix >= 0 && prefix <= bits)) {
      throw new Error(
        `${JSON.stringify(raw)} is not an address range: write an address with a prefix length such as 10.0.0.0/8 or fd00::/8, or a single address`,
      );
    }
    list.addSubnet(address, prefix, version === 6 ? "ipv6" : "ipv4");
  }
  return list;
}
