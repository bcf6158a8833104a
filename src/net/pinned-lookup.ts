/**
 * @module
 * A `lookup` for `net.connect` and `http.request` that answers only with
 * addresses checked beforehand. Node calls it with `all: true` when it
 * races IPv4 and IPv6 (autoSelectFamily, on by default), and with a single
 * result otherwise; both are honoured, and a requested family filters the
 * list. It never asks DNS, which is the point: between the guard's check
 * and the connection, the name cannot be made to point somewhere else.
 */
import type { LookupAddress } from "node:dns";
import type { LookupFunction } from "node:net";
import type { CheckedAddress } from "./outbound-guard.ts";

/** A lookup that returns `addresses` (non-empty) for any name. */
export function pinnedLookup(addresses: readonly CheckedAddress[]): LookupFunction {
  return (hostname, options, callback) => {
    const family = options.family === "IPv4" ? 4 : options.family === "IPv6" ? 6 : options.family;
    const matching = addresses.filter((entry) => !family || entry.family === family);
    if (matching.length === 0) {
      const error = Object.assign(new Error(`no checked ${family === 6 ? "IPv6" : "IPv4"} address for ${hostname}`), {
        code: "ENOTFOUND",
      });
      callback(error, "", 0);
      return;
    }
    if (options.all === true) {
      const all: LookupAddress[] = matching.map(({ address, family: f }) => ({ address, family: f }));
      (callback as unknown as (error: null, all: LookupAddress[]) => void)(null, all);
      return;
    }
    callback(null, matching[0]!.address, matching[0]!.family);
  };
}
