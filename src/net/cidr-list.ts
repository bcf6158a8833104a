/**
 * @module
 * Lists of address ranges written as CIDRs (`10.0.0.0/8`, `fd00::/8`) or
 * single addresses (`127.0.0.1`, `::1`), as a `node:net` BlockList.
 */
import { BlockList, isIP } from "node:net";

/**
 * A BlockList holding every entry; throws an Error naming the first entry
 * that is not an IPv4/IPv6 address or CIDR with a prefix length in range.
 */
export function parseCidrList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = "", prefix, extra] = entry.trim().split("/");
    const family = isIP(address);
    const max = family === 4 ? 32 : 128;
    const length = prefix === undefined ? max : /^\d{1,3}$/.test(prefix) ? Number(prefix) : Number.NaN;
    if (family === 0 || extra !== undefined || !(length >= 0 && length <= max)) {
      throw new Error(`${JSON.stringify(entry)} is not an IP address or CIDR such as 10.0.0.0/8 or fd00::/8`);
    }
    list.addSubnet(address, length, family === 4 ? "ipv4" : "ipv6");
  }
  return list;
}
