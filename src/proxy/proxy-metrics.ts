/**
 * @module
 * The counters the proxy records, per application (never per license or
 * customer: label sets stay small). The HTTP layer's metric set provides
 * them; the proxy sees only this shape.
 */

/** A counter that can be increased for a label set. */
export interface LabelledCounter {
  inc(labels: Readonly<Record<string, string>>, by?: number): void;
}

/** The proxy's counters. Labels: `app`, and `kind` (`manifest`, `blob`, `tags`) where it applies. */
export interface ProxyMetrics {
  /** Manifest requests (GET or HEAD) served through the proxy: a pull starts with one. */
  readonly pulls: LabelledCounter;
  /** Blob bytes sent to clients through the proxy. */
  readonly bytes: LabelledCounter;
  readonly cacheHits: LabelledCounter;
  readonly cacheMisses: LabelledCounter;
  /** Requests the proxy made to upstream registries. */
  readonly upstreamFetches: LabelledCounter;
}

const nothing: LabelledCounter = { inc: () => undefined };

/** Counters that record nothing (for callers without metrics). */
export const noProxyMetrics: ProxyMetrics = {
  pulls: nothing,
  bytes: nothing,
  cacheHits: nothing,
  cacheMisses: nothing,
  upstreamFetches: nothing,
};
