/**
 * @module
 * What the garbage collector must keep whatever the tags say: every
 * manifest a release pins (a release stores resolved digests; the
 * application's own images — source equal to its slug — live in this
 * registry as `<app>/<name>`), and every blob of a cached server-built
 * release bundle (`<dataDir>/release-bundles/<app>/<version>.tar`, or
 * `.tar.partial` while one is built or resumed), so a collection never
 * breaks a release or a bundle being served. A kept manifest keeps its
 * children and blobs through the usual mark; bundle blobs are kept as
 * files even when no repository links them any more.
 *
 * A bundle file that cannot be read pins nothing (it is being replaced or
 * was removed); its release still pins its manifests.
 */
import { open, readdir } from "node:fs/promises";
import { join } from "node:path";
import { scanTar } from "../airgap/scan-tar.ts";
import type { ReleaseImage } from "../metadata/releases-metadata.ts";

/** Manifests by repository name, and blobs by digest, that a collection keeps. */
export interface GcPins {
  readonly manifests: ReadonlyMap<string, ReadonlySet<string>>;
  readonly blobs: ReadonlySet<string>;
}

/** A release as the pins read it. */
export interface PinnedRelease {
  readonly appSlug: string;
  readonly images: readonly ReleaseImage[];
}

/** Where the pins come from. */
export interface GcPinSources {
  /** Every stored release. */
  readonly releases: () => Promise<readonly PinnedRelease[]>;
  /** The data directory holding `release-bundles/`; undefined: no bundle cache. */
  readonly dataDir?: string;
}

async function entries(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

/** The `sha256:` digests of the blobs in one bundle file (none when it cannot be read). */
async function bundleBlobs(path: string): Promise<string[]> {
  const file = await open(path, "r").catch(() => undefined);
  if (!file) return [];
  try {
    const { entries: found } = await scanTar(file, (await file.stat()).size);
    return found
      .filter((e) => /^blobs\/sha256\/[0-9a-f]{64}$/.test(e.name))
      .map((e) => `sha256:${e.name.slice("blobs/sha256/".length)}`);
  } finally {
    await file.close();
  }
}

/** Reads the current pins (call once per collection, before the mark). */
export async function readGcPins(sources: GcPinSources): Promise<GcPins> {
  const manifests = new Map<string, Set<string>>();
  for (const release of await sources.releases()) {
    for (const image of release.images) {
      if (image.source !== release.appSlug) continue;
      const repository = `${release.appSlug}/${image.name}`;
      const set = manifests.get(repository) ?? new Set<string>();
      set.add(image.digest);
      manifests.set(repository, set);
    }
  }
  const blobs = new Set<string>();
  if (sources.dataDir !== undefined) {
    const root = join(sources.dataDir, "release-bundles");
    for (const app of await entries(root)) {
      for (const name of await entries(join(root, app))) {
        if (!name.endsWith(".tar") && !name.endsWith(".tar.partial")) continue;
        for (const digest of await bundleBlobs(join(root, app, name))) blobs.add(digest);
      }
    }
  }
  return { manifests, blobs };
}
