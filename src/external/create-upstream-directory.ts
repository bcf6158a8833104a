/**
 * @module
 * The upstream directory over the external-registry store. An application
 * slug is a namespace of kind `application` that names its organization;
 * `upstream` is looked up first as a short name, then as a host: any Docker
 * Hub spelling (`docker.io`, `index.docker.io`, `registry-1.docker.io`)
 * means `docker.io`, and when several registries of the organization share
 * the host, the one without a prefix answers — if none or several of them
 * lack one, the host is ambiguous and only short names find them. The
 * password is opened on every lookup (callers may cache the result for a
 * short while); a master key that cannot open it throws MasterKeyError,
 * which is the operator's problem, not the customer's.
 */
import type { ExternalRegistryRow } from "../metadata/external-registries-metadata.ts";
import { dockerHub } from "../reference/docker-hub.ts";
import { type ExternalRegistryDeps, openPassword } from "./external-registry-deps.ts";
import type { UpstreamDirectory, UpstreamRegistry } from "./upstream-registry.ts";

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

/** Creates the directory the proxy uses. */
export function createUpstreamDirectory(
  deps: Pick<ExternalRegistryDeps, "accounts" | "store" | "keyRing" | "reloadKeyRing">,
): UpstreamDirectory {
  return {
    async find(appSlug, upstream) {
      const app = await deps.accounts.findNamespace(appSlug);
      if (app === undefined || app.kind !== "application" || app.orgId === null) return undefined;
      const row =
        (await deps.store.findExternalRegistry(app.orgId, upstream)) ??
        byHost(await deps.store.listExternalRegistries(app.orgId), upstream);
      if (row === undefined) return undefined;
      const password = await openPassword(deps, row, `${appSlug}/${row.name}`);
      const registry: UpstreamRegistry = {
        name: row.name,
        host: row.host,
        baseUrl: new URL(row.baseUrl),
        prefix: row.prefix,
        insecure: row.insecure,
        ...(row.username !== null && password !== undefined && { credentials: { username: row.username, password } }),
      };
      return registry;
    },
  };
}
