/**
 * @module
 * What a license may pull — only pull, and only:
 * - its application's own repositories `<app>/<path>` that an own-image
 *   entitlement (`<app>/…`) covers, and the channel paths of those
 *   (`<app>/<its channel>/<path>`, see channel-path.ts);
 * - proxy repositories `proxy/<app>/<upstream>/<path>` of its own
 *   application, when `<short-name>/<path>` is covered by an external
 *   entitlement, `<short-name>` being what `resolveUpstreamName` makes of
 *   the `<upstream>` segment (by default the segment itself).
 * Everything else is refused, and the caller answers as for a missing
 * repository, so a license cannot learn which images exist.
 */
import type { LicensePrincipal } from "../accounts/license-authority.ts";
import { channelSourceName } from "./channel-path.ts";
import { entitlementCovers } from "./entitlements.ts";

/** Maps a proxy path's upstream segment (e.g. `quay.io`) to the external registry's short name, if any. */
export type ResolveUpstreamName = (appSlug: string, upstreamSegment: string) => Promise<string | undefined>;

/** The default: the upstream segment is the short name. */
export const upstreamSegmentAsName: ResolveUpstreamName = async (_app, segment) => segment;

/** The policy: true when `principal` may pull `repository`. */
export type LicensePolicy = (principal: LicensePrincipal, repository: string) => Promise<boolean>;

/** Creates the policy over the upstream-name resolver. */
export function createLicensePolicy(resolveUpstreamName: ResolveUpstreamName = upstreamSegmentAsName): LicensePolicy {
  return async (principal, repository) => {
    const app = principal.appSlug;
    const own = principal.entitlements.filter((p) => p.startsWith(`${app}/`));
    if (repository.startsWith(`${app}/`)) {
      // A channel path (`<app>/<channel>/<chart>`) is entitled like the chart's own repository.
      const source = channelSourceName(principal, repository);
      return own.some((p) => entitlementCovers(p, repository) || entitlementCovers(p, source));
    }
    const proxyPrefix = `proxy/${app}/`;
    if (!repository.startsWith(proxyPrefix)) return false;
    const rest = repository.slice(proxyPrefix.length);
    const slash = rest.indexOf("/");
    if (slash <= 0 || slash === rest.length - 1) return false;
    const external = principal.entitlements.filter((p) => !p.startsWith(`${app}/`));
    if (external.length === 0) return false;
    const shortName = await resolveUpstreamName(app, rest.slice(0, slash));
    if (shortName === undefined || shortName === app || shortName.length === 0) return false;
    const name = `${shortName}${rest.slice(slash)}`;
    return external.some((p) => entitlementCovers(p, name));
  };
}
