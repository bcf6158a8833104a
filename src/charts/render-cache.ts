/**
 * @module
 * Charts rendered for licenses, kept in memory only (never in the blob store,
 * where another license could read them): a least-recently-used map bounded
 * by bytes, keyed by license, source manifest and the injected values, and
 * indexed by license + digest so a license finds its own rendered manifest
 * and layer when it asks for them by digest — and no other license does.
 */
import type { StoredManifest } from "../metadata/registry-metadata.ts";

/** One chart rendered for one license. */
export interface RenderedChart {
  readonly manifest: StoredManifest;
  readonly layer: { readonly digest: string; readonly bytes: Buffer };
}

/** The cache. */
export interface RenderCache {
  /** The rendering under `key` (license, source digest, values), refreshed as recently used. */
  get(key: string): RenderedChart | undefined;
  /** Keeps `chart` for `license` under `key`, evicting the least recently used past the bound. */
  set(license: number, key: string, chart: RenderedChart): void;
  /** `license`'s rendering whose manifest or layer has `digest`, if still cached. */
  byDigest(license: number, digest: string): RenderedChart | undefined;
}

/** Creates a cache holding at most `maxBytes` of manifests and layers. */
export function createRenderCache(maxBytes: number): RenderCache {
  const entries = new Map<string, { license: number; chart: RenderedChart }>();
  const index = new Map<string, string>();
  let bytes = 0;
  const sizeOf = (chart: RenderedChart) => chart.manifest.size + chart.layer.bytes.length;
  const indexKeys = (license: number, chart: RenderedChart) => [
    `${license}\n${chart.manifest.digest}`,
    `${license}\n${chart.layer.digest}`,
  ];
  const drop = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    bytes -= sizeOf(entry.chart);
    for (const k of indexKeys(entry.license, entry.chart)) if (index.get(k) === key) index.delete(k);
  };
  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      entries.delete(key);
      entries.set(key, entry);
      return entry.chart;
    },
    set(license, key, chart) {
      drop(key);
      entries.set(key, { license, chart });
      bytes += sizeOf(chart);
      for (const k of indexKeys(license, chart)) index.set(k, key);
      for (const oldest of entries.keys()) {
        if (bytes <= maxBytes || oldest === key) break;
        drop(oldest);
      }
    },
    byDigest(license, digest) {
      const key = index.get(`${license}\n${digest}`);
      return key === undefined ? undefined : entries.get(key)?.chart;
    },
  };
}
