/**
 * @module
 * What a license may pull — only pull, and only:
 * - its application's own repositories `<app>/<path>` that an own-image
 *   entitlement (`<app>/…`) covers, and the channel paths of those
 *   (`<app>/<its channel>/<path>`, see channel-path.ts);
 * - proxy repositories `proxy/<app>/<upstream>/<path>` of its own
 *   application, when `<short-name>/<repository>` is covered by an external
 *   entitlement: what `resolveUpstream` makes of the `<upstream>` segment
 *   and the path (by default the segment and the path themselves): the
 *   external registry's short name and the repository inside its prefix, so
 *   `quay/api` whether the client wrote `proxy/<app>/quay/api` or
 *   `proxy/<app>/quay.io/acme/api` (`quay` = `quay.io/acme`).
 * Everything else is refused, and the caller answers as for a missing
 * repository, so a license cannot learn which images exist.
 */
import type { LicensePrincipal } from "../accounts/license-authority.ts";
import { channelSourceName } from "./channel-path.ts";
import { entitlementCovers } from "./entitlements.ts";

/**
 * Maps a proxy path's upstream segment (e.g. `quay.io`) and the path after it
 * to the external registry's short name and the repository inside its
 * prefix; undefined when no registry matches.
 */
export type ResolveUpstream = (
  appSlug: string,
  upstreamSegment: string,
  path: string,
) => Promise<{ readonly shortName: string; readonly path: string } | undefined>;

/** The default: the upstream segment is the short name, the path is inside it. */
export const upstreamSegmentAsName: ResolveUpstream = async (_app, shortName, path) => ({ shortName, path });

/** The policy: true when `principal` may pull `repository`. */
export type LicensePolicy = (principal: LicensePrincipal, repository: string) => Promise<boolean>;

/** Creates the policy over the upstream-name resolver. */
export function createLicensePolicy(resolveUpstream: ResolveUpstream = upstreamSegmentAsName): LicensePolicy {
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
    const resolved = await resolveUpstream(app, rest.slice(0, slash), rest.slice(slash + 1));
    if (resolved === undefined || resolved.shortName === app || resolved.shortName.length === 0) return false;
    const name = `${resolved.shortName}/${resolved.path}`;
    return external.some((p) => entitlementCovers(p, name));
  };
}
