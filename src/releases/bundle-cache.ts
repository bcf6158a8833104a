/**
 * @module
 * The cache of server-built release bundles under the data directory:
 *
 *     <dataDir>/release-bundles/<app>/<version>.tar           complete bundle
 *     <dataDir>/release-bundles/<app>/<version>.tar.partial   build under way (resumed after a crash)
 *     <dataDir>/release-bundles/<app>/<version>.<hash>.tar    a variant (delta, platforms, charts)
 *
 * A variant is named by a label its caller writes (what makes it differ
 * from the full bundle); the file name carries a hash of the label.
 *
 * A release is immutable, so a complete file is valid forever and a second
 * request reuses it. Concurrent requests for the same release share one
 * build (single flight); a failed build leaves its partial file, and the
 * next request resumes it. App slugs and versions are checked names
 * (no '/', no leading '.'), so they are safe as path segments.
 */
import { createHash } from "node:crypto";
import { mkdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { ReleaseRow } from "../metadata/releases-metadata.ts";
import type { BundleVariant } from "./build-release-bundle.ts";

/** A complete bundle on disk. */
export interface CachedBundle {
  readonly path: string;
  readonly size: number;
  /** Modification time in ms, for Last-Modified and If-Range. */
  readonly mtimeMs: number;
}

/** Builds a release's bundle (narrowed by a variant) into a path. */
export type BuildBundle = (release: ReleaseRow, out: string, variant: BundleVariant) => Promise<void>;

/** A variant with the label that names it (empty: the full bundle). */
export interface CacheVariant {
  readonly label: string;
  readonly variant: BundleVariant;
}

/** The cache; `builds` counts builds started (what tests read to see reuse). */
export interface BundleCache {
  get(release: ReleaseRow, variant?: CacheVariant): Promise<CachedBundle>;
  readonly stats: { builds: number };
}

/** Creates the cache in `<dataDir>/release-bundles`. */
export function createBundleCache(dataDir: string, build: BuildBundle): BundleCache {
  const root = join(dataDir, "release-bundles");
  const running = new Map<string, Promise<CachedBundle>>();
  const stats = { builds: 0 };
  const complete = async (path: string): Promise<CachedBundle | undefined> => {
    const info = await stat(path).catch(() => undefined);
    return info?.isFile() ? { path, size: info.size, mtimeMs: info.mtimeMs } : undefined;
  };
  return {
    stats,
    async get(release, variant = { label: "", variant: {} }) {
      const dir = join(root, release.appSlug);
      const suffix =
        variant.label === "" ? "" : `.${createHash("sha256").update(variant.label).digest("hex").slice(0, 16)}`;
      const path = join(dir, `${release.version}${suffix}.tar`);
      const found = await complete(path);
      if (found) return found;
      const key = `${release.appSlug}/${release.version}${suffix}`;
      let pending = running.get(key);
      if (pending === undefined) {
        pending = (async () => {
          await mkdir(dir, { recursive: true, mode: 0o700 });
          stats.builds += 1;
          await build(release, path, variant.variant);
          const built = await complete(path);
          if (!built) throw new Error(`the bundle build of ${key} ended without a file`);
          return built;
        })().finally(() => running.delete(key));
        running.set(key, pending);
      }
      return pending;
    },
  };
}
