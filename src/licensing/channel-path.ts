/**
 * @module
 * Channel paths: a license pulls its application's charts as
 * `<app>/<channel>/<chart>` (or `<app>/<chart>` for its own channel by
 * default), where `<channel>` is the license's channel — `stable` when the
 * license names none. Such a path names the vendor's repository
 * `<app>/<chart>`; a channel segment other than the license's own is an
 * ordinary path (and so, normally, a repository that does not exist).
 */
import type { LicensePrincipal } from "../accounts/license-authority.ts";

/** The channel of licenses created without one. */
export const defaultChannel = "stable";

/** The channel `principal` follows. */
export function channelOf(principal: Pick<LicensePrincipal, "channel">): string {
  return principal.channel ?? defaultChannel;
}

/**
 * The vendor repository a license's `name` stands for: `<app>/<rest>` when
 * `name` is `<app>/<its channel>/<rest>` of the license's application, else
 * `name` unchanged.
 */
export function channelSourceName(principal: Pick<LicensePrincipal, "appSlug" | "channel">, name: string): string {
  const prefix = `${principal.appSlug}/${channelOf(principal)}/`;
  return name.startsWith(prefix) && name.length > prefix.length
    ? `${principal.appSlug}/${name.slice(prefix.length)}`
    : name;
}
