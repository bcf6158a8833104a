/**
 * @module
 * Keeps the cache of server-built bundles within bounds: a bundle not used
 * for `maxAgeMs` is removed, then, while the complete bundles together hold
 * more than `maxBytes`, the least recently used go first. A bundle in use
 * (being built, or handed out and not yet served) is never removed; a
 * partial file is a build to resume and stays, unless it is older than
 * `maxAgeMs` and no build is running on it.
 */
import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";

/** The bounds and what the cache knows. */
export interface EvictionPolicy {
  readonly maxBytes: number;
  readonly maxAgeMs: number;
  readonly now: () => number;
  /** When a bundle was last handed out (this process); the file's mtime otherwise. */
  readonly lastUsed: (path: string) => number | undefined;
  /** True for a path being built or served. */
  readonly inUse: (path: string) => boolean;
}

interface Found {
  readonly path: string;
  readonly size: number;
  readonly used: number;
  readonly partial: boolean;
}

/** Removes what the policy says must go under `root` (`<root>/<app>/*.tar[.partial]`); resolves to the removed paths. */
export async function evictBundles(root: string, policy: EvictionPolicy): Promise<string[]> {
  const found: Found[] = [];
  for (const app of await readdir(root).catch(() => [] as string[])) {
    const dir = join(root, app);
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const partial = name.endsWith(".tar.partial");
      if (!partial && !name.endsWith(".tar")) continue;
      const path = join(dir, name);
      const info = await stat(path).catch(() => undefined);
      if (!info?.isFile()) continue;
      found.push({ path, size: info.size, used: policy.lastUsed(path) ?? info.mtimeMs, partial });
    }
  }
  const removed: string[] = [];
  const remove = async (entry: Found) => {
    await rm(entry.path, { force: true });
    if (entry.partial) await rm(`${entry.path}.etag`, { force: true });
    removed.push(entry.path);
  };
  const oldest = policy.now() - policy.maxAgeMs;
  const kept: Found[] = [];
  for (const entry of found) {
    const busy = policy.inUse(entry.partial ? entry.path.slice(0, -".partial".length) : entry.path);
    if (!busy && entry.used < oldest) await remove(entry);
    else if (!entry.partial) kept.push(entry);
  }
  let total = kept.reduce((sum, e) => sum + e.size, 0);
  for (const entry of kept.sort((a, b) => a.used - b.used)) {
    if (total <= policy.maxBytes) break;
    if (policy.inUse(entry.path)) continue;
    await remove(entry);
    total -= entry.size;
  }
  return removed;
}
