/**
 * @module
 * What every part of the proxy repository shares: the upstream it reads
 * from (resolved per request) and the process-wide parts (storage, metadata,
 * clock, log, metrics, in-flight downloads, tag freshness).
 */
import type { Logger } from "../log/create-logger.ts";
import type { BlobLinks, ManifestIndex } from "../metadata/registry-metadata.ts";
import type { KeyedMutex } from "../registry/keyed-mutex.ts";
import type { RegistryClient } from "../registry-client/create-registry-client.ts";
import type { RepositoryRef } from "../registry-client/repository-address.ts";
import type { StorageDriver } from "../storage/storage-driver.ts";
import type { BlobFlight } from "./blob-flight.ts";
import type { ProxyMetrics } from "./proxy-metrics.ts";
import type { TagFreshnessRecord } from "./tag-freshness.ts";

/** Process-wide parts of the proxy. */
export interface ProxyShared {
  readonly driver: StorageDriver;
  readonly metadata: BlobLinks & ManifestIndex;
  readonly log: Logger;
  readonly metrics: ProxyMetrics;
  /** Milliseconds since the epoch (injected so tests control time). */
  readonly now: () => number;
  /** Uploads in flight, by `<repository>\n<digest>`. */
  readonly flights: Map<string, Promise<BlobFlight>>;
  readonly freshness: TagFreshnessRecord;
  /** Shares upstream manifest requests among concurrent callers (keys name a repository and reference). */
  readonly once: <T>(key: string, task: () => Promise<T>) => Promise<T>;
  /** The largest blob the proxy downloads and caches (`limits.maxBlobBytes`, as for pushes). */
  readonly maxBlobBytes: number;
  /** A lock across the server's worker processes, when there are several: one blob download for all. */
  readonly crossProcess?: KeyedMutex;
}

/** One proxied repository, resolved for a request. */
export interface ProxyTarget {
  /** Wharf's repository name, `proxy/<app>/<upstream>/<path>` (the cache lives under it). */
  readonly name: string;
  readonly app: string;
  /** The upstream's short name (for logs). */
  readonly upstream: string;
  /** The repository on the upstream (prefix and Docker Hub's `library/` applied). */
  readonly ref: RepositoryRef;
  readonly client: RegistryClient;
}
