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
 *
 * The cache is bounded (bundle-eviction.ts): after every build, and at most
 * every few minutes on a hit, bundles unused for `maxAgeMs` go, then the
 * least recently used while the total exceeds `maxBytes`. A bundle handed
 * out is in use until its caller calls `done()`, and is never removed
 * before; nor is one being built.
 */
import { createHash } from "node:crypto";
import { mkdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { ReleaseRow } from "../metadata/releases-metadata.ts";
import type { KeyedMutex } from "../registry/keyed-mutex.ts";
import type { BundleVariant } from "./build-release-bundle.ts";
import { evictBundles } from "./bundle-eviction.ts";

/** A complete bundle on disk. */
export interface CachedBundle {
  readonly path: string;
  readonly size: number;
  /** Modification time in ms, for Last-Modified and If-Range. */
  readonly mtimeMs: number;
}

/** A bundle handed out: in use (never evicted) until `done()`. */
export interface HeldBundle extends CachedBundle {
  done(): void;
}

/** Bounds of the cache. */
export interface BundleCacheOptions {
  /** Bytes the complete bundles may hold together (default 100 GiB). */
  readonly maxBytes?: number;
  /** A bundle unused this long is removed (default 30 days). */
  readonly maxAgeMs?: number;
  readonly now?: () => number;
  /**
   * Serializes builds of one bundle across the worker processes of one
   * server (`server.workers`): the second process waits and then finds the
   * complete file instead of writing the same partial file at once.
   */
  readonly exclusive?: KeyedMutex;
}

const evictionIntervalMs = 5 * 60_000;

/** Builds a release's bundle (narrowed by a variant) into a path. */
export type BuildBundle = (release: ReleaseRow, out: string, variant: BundleVariant) => Promise<void>;

/** A variant with the label that names it (empty: the full bundle). */
export interface CacheVariant {
  readonly label: string;
  readonly variant: BundleVariant;
}

/** The cache; `builds` counts builds started (what tests read to see reuse). */
export interface BundleCache {
  get(release: ReleaseRow, variant?: CacheVariant): Promise<HeldBundle>;
  /** Applies the bounds now; resolves to the removed paths. */
  evict(): Promise<string[]>;
  readonly stats: { builds: number };
}

/** Creates the cache in `<dataDir>/release-bundles`. */
export function createBundleCache(dataDir: string, build: BuildBundle, options: BundleCacheOptions = {}): BundleCache {
  const root = join(dataDir, "release-bundles");
  const running = new Map<string, Promise<CachedBundle>>();
  const stats = { builds: 0 };
  const now = options.now ?? Date.now;
  const building = new Set<string>();
  const serving = new Map<string, number>();
  const lastUsed = new Map<string, number>();
  let lastEviction = now();
  let evicting: Promise<string[]> | undefined;
  const evict = () => {
    evicting ??= evictBundles(root, {
      maxBytes: options.maxBytes ?? 100 * 1024 ** 3,
      maxAgeMs: options.maxAgeMs ?? 30 * 86_400_000,
      now,
      lastUsed: (path) => lastUsed.get(path),
      inUse: (path) => building.has(path) || (serving.get(path) ?? 0) > 0,
    })
      .then((removed) => {
        for (const path of removed) lastUsed.delete(path);
        return removed;
      })
      .finally(() => {
        lastEviction = now();
        evicting = undefined;
      });
    return evicting;
  };
  /** Marks `bundle` in use and recently used; the caller's done() ends the use. */
  const hold = (bundle: CachedBundle): HeldBundle => {
    serving.set(bundle.path, (serving.get(bundle.path) ?? 0) + 1);
    lastUsed.set(bundle.path, now());
    let released = false;
    return {
      ...bundle,
      done() {
        if (released) return;
        released = true;
        const left = (serving.get(bundle.path) ?? 1) - 1;
        if (left > 0) serving.set(bundle.path, left);
        else serving.delete(bundle.path);
      },
    };
  };
  const complete = async (path: string): Promise<CachedBundle | undefined> => {
    const info = await stat(path).catch(() => undefined);
    return info?.isFile() ? { path, size: info.size, mtimeMs: info.mtimeMs } : undefined;
  };
  return {
    stats,
    evict,
    async get(release, variant = { label: "", variant: {} }) {
      const dir = join(root, release.appSlug);
      const suffix =
        variant.label === "" ? "" : `.${createHash("sha256").update(variant.label).digest("hex").slice(0, 16)}`;
      const path = join(dir, `${release.version}${suffix}.tar`);
      const found = await complete(path);
      if (found) {
        const held = hold(found);
        if (now() - lastEviction >= evictionIntervalMs) await evict().catch(() => undefined);
        return held;
      }
      const key = `${release.appSlug}/${release.version}${suffix}`;
      let pending = running.get(key);
      if (pending === undefined) {
        const buildOnce = async () => {
          // Built by another worker while this one waited for the lock.
          const ready = await complete(path);
          if (ready) return ready;
          await mkdir(dir, { recursive: true, mode: 0o700 });
          stats.builds += 1;
          building.add(path);
          await build(release, path, variant.variant);
          const built = await complete(path);
          if (!built) throw new Error(`the bundle build of ${key} ended without a file`);
          return built;
        };
        pending = (options.exclusive ? options.exclusive(`release-bundle\n${key}`, buildOnce) : buildOnce()).finally(
          () => {
            running.delete(key);
            // In use until every waiting request has held it (they resume before the next turn).
            setImmediate(() => building.delete(path));
          },
        );
        running.set(key, pending);
        const built = hold(await pending);
        await evict().catch(() => undefined);
        return built;
      }
      return hold(await pending);
    },
  };
}
