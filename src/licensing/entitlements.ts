/**
 * @module
 * Entitlements: which images a license may pull, as patterns. The first
 * segment is literal and says where the images live — the application's
 * slug for its own repositories (`myapp/*`), or an external registry's short
 * name for proxied ones (`quay/acme/*`) — and `*` anywhere after it matches
 * any run of characters, '/' included (`quay/acme/*` covers
 * `quay/acme/team/api`). An external registry whose short name equals the
 * application's slug cannot be entitled: the slug always means own images.
 */
import { isValidRepositoryName } from "../reference/grammar.ts";
import { LicensingError } from "./licensing-error.ts";

const maxEntitlements = 100;
const maxLength = 255;

/**
 * Validates and de-duplicates `patterns` (order kept); an empty list means
 * all of the application's own images (`<app>/*`). Throws LicensingError
 * `invalid` naming the first bad pattern.
 */
export function parseEntitlements(appSlug: string, patterns: readonly string[]): string[] {
  const list = [...new Set(patterns.map((p) => p.trim()))];
  if (list.length === 0) return [`${appSlug}/*`];
  if (list.length > maxEntitlements) {
    throw new LicensingError("invalid", `give at most ${maxEntitlements} entitlements`);
  }
  for (const pattern of list) {
    const first = pattern.split("/")[0]!;
    const valid =
      pattern.length <= maxLength &&
      pattern.includes("/") &&
      !first.includes("*") &&
      isValidRepositoryName(pattern.replaceAll("*", "x"));
    if (!valid) {
      throw new LicensingError(
        "invalid",
        `entitlement ${JSON.stringify(pattern.slice(0, 100))} is not a pattern: write <app-slug>/<path> or <registry-short-name>/<path> with lower-case repository names and '*' wildcards after the first segment, e.g. ${appSlug}/* or quay/acme/*`,
      );
    }
  }
  return list;
}

/** True when `pattern` (a valid entitlement) covers the name `name`. */
export function entitlementCovers(pattern: string, name: string): boolean {
  const parts = pattern.split("*");
  if (parts.length === 1) return pattern === name;
  if (!name.startsWith(parts[0]!) || !name.endsWith(parts.at(-1)!)) return false;
  let at = parts[0]!.length;
  const end = name.length - parts.at(-1)!.length;
  for (const middle of parts.slice(1, -1)) {
    const found = name.indexOf(middle, at);
    if (found < 0 || found + middle.length > end) return false;
    at = found + middle.length;
  }
  return at <= end;
}
