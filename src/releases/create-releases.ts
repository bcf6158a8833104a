/**
 * @module
 * The releases module's one entry point: the store over the database, the
 * cache of server-built bundles under the data directory, and the service.
 * The application's own images are read from local repositories, which the
 * server creates after the management API; `localRepositories` is asked for
 * them only when a bundle is built.
 */
import type { Kysely } from "kysely";
import type { LicensePrincipal } from "../accounts/license-authority.ts";
import type { ManagedNamespaceDeps } from "../accounts/management-access.ts";
import type { UpstreamDirectory } from "../external/upstream-registry.ts";
import type { Database } from "../metadata/database-schema.ts";
import { createReleaseStore } from "../metadata/kysely-release-store.ts";
import type { StoredManifest } from "../metadata/registry-metadata.ts";
import type { KeyedMutex } from "../registry/keyed-mutex.ts";
import type { RegistryClient } from "../registry-client/create-registry-client.ts";
import type { RegistryClientOptions } from "../registry-client/registry-client-options.ts";
import { buildReleaseBundle, releaseBlobs } from "./build-release-bundle.ts";
import { createBundleCache } from "./bundle-cache.ts";
import type { LicenseChartDeps } from "./license-charts.ts";
import { createLocalSource, type LocalRepositories } from "./local-source.ts";
import { createReleaseService } from "./release-service.ts";

/** Options of {@link createReleases}. */
export interface ReleasesOptions {
  readonly accounts: ManagedNamespaceDeps;
  readonly directory: Pick<UpstreamDirectory, "find">;
  readonly ownManifest: (repository: string, reference: string) => Promise<StoredManifest | undefined>;
  /** Registry clients with the server's outbound guard. */
  readonly createClient: (options: RegistryClientOptions) => RegistryClient;
  readonly licenseChannel: (id: number) => Promise<string | null | undefined>;
  /** The local repositories, once the server has them. */
  readonly localRepositories: () => LocalRepositories;
  readonly dataDir: string;
  /** The host customers know this server by (read when a bundle is built). */
  readonly ownHost: () => string;
  readonly now?: () => number;
  /** Bounds of the bundle cache (config `releases`). */
  readonly bundleCache?: { readonly maxBytes: number; readonly maxAgeMs: number; readonly exclusive?: KeyedMutex };
  /** Where a license's charts are found, for the charts in its bundles. */
  readonly charts?: LicenseChartDeps;
}

/** Creates the releases module. */
export function createReleases(db: Kysely<Database>, options: ReleasesOptions) {
  const now = options.now ?? Date.now;
  const store = createReleaseStore(db);
  const buildDeps = {
    directory: options.directory,
    createClient: options.createClient,
    local: createLocalSource((name) => options.localRepositories()(name)),
    ownHost: options.ownHost,
    now,
    ...(options.charts && {
      chartSource: (principal: LicensePrincipal) =>
        createLocalSource((name) => options.charts!.asLicense(name, principal)),
    }),
  };
  const bundles = createBundleCache(
    options.dataDir,
    (release, out, variant) => buildReleaseBundle(buildDeps, release, out, variant),
    { ...options.bundleCache, now },
  );
  const service = createReleaseService({
    ...options,
    store,
    bundles,
    now,
    releaseBlobs: (release, platforms) => releaseBlobs(buildDeps, release, platforms),
  });
  return { service, bundles };
}
