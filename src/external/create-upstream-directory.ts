/**
 * @module
 * The upstream directory over the external-registry store. An application
 * slug is a namespace of kind `application` that names its organization;
 * `upstream` is looked up first as a short name, then as a host: any Docker
 * Hub spelling (`docker.io`, `index.docker.io`, `registry-1.docker.io`)
 * means `docker.io`. `find` (a registry without a path: release sources)
 * takes the host's only registry, or the one of its registries without a
 * prefix; `locate` (a proxy path) reads the path after a host as the
 * image's whole path there and takes the registry whose prefix is its
 * longest leading part, so `proxy/<app>/quay.io/acme/api` is
 * `quay.io/acme/api` whichever prefix `acme` was registered with. The
 * password is opened on every lookup (callers may cache the result for a
 * short while); a master key that cannot open it throws MasterKeyError,
 * which is the operator's problem, not the customer's.
 */
import type { ExternalRegistryRow } from "../metadata/external-registries-metadata.ts";
import { dockerHub } from "../reference/docker-hub.ts";
import { type ExternalRegistryDeps, openPassword } from "./external-registry-deps.ts";
import type { UpstreamDirectory, UpstreamLocation, UpstreamRegistry } from "./upstream-registry.ts";

const hubSpellings = new Set<string>([dockerHub.domain, ...dockerHub.aliases]);

/** `upstream` as stored hosts are written: lower case, Docker Hub as `docker.io`. */
function canonicalHost(upstream: string): string {
  const host = upstream.toLowerCase();
  return hubSpellings.has(host) ? dockerHub.domain : host;
}

/** The registry `upstream` names among `rows` by host, or undefined (none, or ambiguous). */
function byHost(rows: readonly ExternalRegistryRow[], upstream: string): ExternalRegistryRow | undefined {
  const host = canonicalHost(upstream);
  const matching = rows.filter((row) => row.host === host);
  if (matching.length === 1) return matching[0];
  const unprefixed = matching.filter((row) => row.prefix === "");
  return unprefixed.length === 1 ? unprefixed[0] : undefined;
}

/** The prefix without leading or trailing slashes ("" when none). */
function trimmedPrefix(row: ExternalRegistryRow): string {
  return row.prefix.replace(/^\/+|\/+$/g, "");
}

/**
 * The registry of host `upstream` whose prefix is the longest leading part
 * of `path` (the image's whole path at that host), with `path` made
 * relative to it; undefined when no registry of the host matches.
 */
function byHostAndPath(
  rows: readonly ExternalRegistryRow[],
  upstream: string,
  path: string,
): { row: ExternalRegistryRow; path: string } | undefined {
  const host = canonicalHost(upstream);
  let best: { row: ExternalRegistryRow; path: string } | undefined;
  let bestLength = -1;
  for (const row of rows) {
    if (row.host !== host) continue;
    const prefix = trimmedPrefix(row);
    if (prefix !== "" && !path.startsWith(`${prefix}/`)) continue;
    if (prefix.length <= bestLength) continue;
    bestLength = prefix.length;
    best = { row, path: prefix === "" ? path : path.slice(prefix.length + 1) };
  }
  return best;
}

/** Creates the directory the proxy uses. */
export function createUpstreamDirectory(
  deps: Pick<ExternalRegistryDeps, "accounts" | "store" | "keyRing" | "reloadKeyRing">,
): UpstreamDirectory {
  async function orgOf(appSlug: string): Promise<number | undefined> {
    const app = await deps.accounts.findNamespace(appSlug);
    return app === undefined || app.kind !== "application" || app.orgId === null ? undefined : app.orgId;
  }

  async function opened(appSlug: string, row: ExternalRegistryRow): Promise<UpstreamRegistry> {
    const password = await openPassword(deps, row, `${appSlug}/${row.name}`);
    return {
      name: row.name,
      host: row.host,
      baseUrl: new URL(row.baseUrl),
      prefix: row.prefix,
      insecure: row.insecure,
      ...(row.username !== null && password !== undefined && { credentials: { username: row.username, password } }),
    };
  }

  return {
    async find(appSlug, upstream) {
      const orgId = await orgOf(appSlug);
      if (orgId === undefined) return undefined;
      const row =
        (await deps.store.findExternalRegistry(orgId, upstream)) ??
        byHost(await deps.store.listExternalRegistries(orgId), upstream);
      return row === undefined ? undefined : opened(appSlug, row);
    },

    async locate(appSlug, upstream, path): Promise<UpstreamLocation | undefined> {
      const orgId = await orgOf(appSlug);
      if (orgId === undefined) return undefined;
      const named = await deps.store.findExternalRegistry(orgId, upstream);
      const found = named
        ? { row: named, path }
        : byHostAndPath(await deps.store.listExternalRegistries(orgId), upstream, path);
      return found === undefined ? undefined : { registry: await opened(appSlug, found.row), path: found.path };
    },
  };
}
