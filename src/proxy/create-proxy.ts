/**
 * @module
 * The pull-through proxy's one entry point. `createProxy` turns a
 * `proxy/<app>/<upstream>/<path>` name into a proxy repository (see
 * proxy-repository.ts) by asking the directory for the app's external
 * registry; `routeRepositories` puts it beside the local repositories so
 * the registry pipeline resolves every name in one place. Wired only in
 * server.ts.
 */
import type { Logger } from "../log/create-logger.ts";
import type { BlobLinks, ManifestIndex } from "../metadata/registry-metadata.ts";
import type { KeyedMutex } from "../registry/keyed-mutex.ts";
import type { Repository, RepositoryResolver } from "../registry/repository.ts";
import { RepositoryError } from "../registry/repository-error.ts";
import type { RegistryClientOptions } from "../registry-client/registry-client-options.ts";
import type { StorageDriver } from "../storage/storage-driver.ts";
import { createInFlight } from "./in-flight.ts";
import type { ProxyShared } from "./proxy-deps.ts";
import { noProxyMetrics, type ProxyMetrics } from "./proxy-metrics.ts";
import { isProxyName, parseProxyPath } from "./proxy-path.ts";
import { proxyRepository } from "./proxy-repository.ts";
import { TagFreshness, type TagFreshnessRecord } from "./tag-freshness.ts";
import { createUpstreamClients } from "./upstream-clients.ts";
import type { UpstreamDirectory } from "./upstream-registry.ts";
import { upstreamRepository } from "./upstream-repository.ts";

/** What the proxy is built from. */
export interface ProxyOptions {
  readonly directory: UpstreamDirectory;
  readonly driver: StorageDriver;
  readonly metadata: BlobLinks & ManifestIndex;
  readonly log: Logger;
  /** How long a cached tag is served before it is revalidated upstream. */
  readonly tagTtlMs: number;
  readonly metrics?: ProxyMetrics;
  /** The clock; Date.now by default. */
  readonly now?: () => number;
  /** Options for every upstream client (timeouts, retries, the outbound guard). */
  readonly clientOptions?: RegistryClientOptions;
  /** The largest blob fetched and cached (`limits.maxBlobBytes`); unbounded by default. */
  readonly maxBlobBytes?: number;
  /** A lock across worker processes (server.workers > 1): one upstream download of a blob for all of them. */
  readonly crossProcess?: KeyedMutex;
  /** The record of when tags were checked; this proxy's own by default (workers: their primary's). */
  readonly freshness?: TagFreshnessRecord;
}

/** Resolves proxy names to proxy repositories; name-unknown when the app has no such upstream. */
export function createProxy(options: ProxyOptions): RepositoryResolver {
  const clients = createUpstreamClients(options.clientOptions);
  const shared: ProxyShared = {
    driver: options.driver,
    metadata: options.metadata,
    log: options.log,
    metrics: options.metrics ?? noProxyMetrics,
    now: options.now ?? Date.now,
    flights: new Map(),
    freshness: options.freshness ?? new TagFreshness(options.tagTtlMs),
    once: createInFlight(),
    maxBlobBytes: options.maxBlobBytes ?? Number.POSITIVE_INFINITY,
    ...(options.crossProcess && { crossProcess: options.crossProcess }),
  };
  return async (name) => {
    const { app, upstream, path: written } = parseProxyPath(name);
    const located = await options.directory.locate(app, upstream, written);
    if (!located) {
      throw new RepositoryError(
        "name-unknown",
        `app ${app} has no external registry named ${upstream}, nor one on host ${upstream} whose path prefix ${written} starts with`,
      );
    }
    const { registry, path } = located;
    const address = upstreamRepository(registry, path);
    if (!address.ok) {
      options.log.warn(
        { upstream: registry.name, reason: address.error },
        "proxy: cannot address the upstream repository",
      );
      throw new RepositoryError("name-unknown", `${name} cannot be addressed on external registry ${upstream}`);
    }
    const { ref } = address;
    return proxyRepository(shared, { name, app, upstream: registry.name, ref, client: clients(registry, ref.domain) });
  };
}

/**
 * Every repository name resolved in one place: `proxy/…` names by the proxy
 * (refused when none is configured), all others locally.
 */
export function routeRepositories(local: (name: string) => Repository, proxy?: RepositoryResolver): RepositoryResolver {
  return async (name) => {
    if (!isProxyName(name)) return local(name);
    if (!proxy) throw new RepositoryError("name-unknown", "the pull-through proxy is not configured on this registry");
    return proxy(name);
  };
}
