/**
 * @module
 * What goes into a bundle, decided before one layer is downloaded: every
 * image's manifest (and, for an index, each platform's manifest, filtered
 * when platforms are given), their referrers (signatures, SBOMs), and the
 * blobs all of them need — each blob once, however many images share it.
 * Manifests are small and read now; blobs are only listed, to be streamed
 * into the bundle later.
 */

import { digestOf } from "../digest/digest.ts";
import { ManifestError } from "../oci/manifest-error.ts";
import { mediaTypes } from "../oci/media-types.ts";
import { type ParsedManifest, parseManifest } from "../oci/parse-manifest.ts";
import type { ImageReference } from "../reference/image-reference.ts";
import type { RegistryClient } from "../registry-client/create-registry-client.ts";
import type { RepositoryRef } from "../registry-client/repository-address.ts";
import type { BundleImage } from "./bundle-description.ts";
import { BundleError } from "./bundle-error.ts";

/** A platform to keep (`linux/amd64`, `linux/arm64/v8`). */
export interface PlatformFilter {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

/** A manifest held in memory. */
export interface PlannedManifest {
  readonly digest: string;
  readonly mediaType: string;
  readonly bytes: Uint8Array;
}

/** A blob to stream from `repo`. */
export interface PlannedBlob {
  readonly digest: string;
  readonly size: number;
  readonly repo: RepositoryRef;
}

/** Everything a bundle will hold. */
export interface BundlePlan {
  readonly images: BundleImage[];
  /** Manifests in push order: children and referrers before what refers to them. */
  readonly manifests: PlannedManifest[];
  /** Blobs (configs, layers) to store, each once. */
  readonly blobs: PlannedBlob[];
  /** Blobs the images need that `skipBlobs` said are already elsewhere (a delta's base). */
  readonly skipped: string[];
}

/** An image to pack: its reference as given, and as parsed. */
export interface ImageToPack {
  readonly reference: string;
  readonly ref: ImageReference;
}

const maxReferrerDepth = 3;

/** Parses `linux/amd64[/variant]`; throws BundleError `usage` otherwise. */
export function parsePlatform(text: string): PlatformFilter {
  const [os, architecture, variant, extra] = text.split("/");
  if (!os || !architecture || extra !== undefined) {
    throw new BundleError(
      "usage",
      `invalid platform ${JSON.stringify(text)}: write os/architecture[/variant], as in linux/amd64`,
    );
  }
  return { os, architecture, ...(variant && { variant }) };
}

/**
 * Reads every image's manifests through `client` and lists the blobs. With
 * `platforms`, an index keeps only matching entries: one match makes the
 * image that platform's manifest, several make a new index of just those
 * (recorded as `filteredFrom` the upstream index). Blobs in `skipBlobs` are
 * left out and reported in `skipped`; manifests are always kept (a delta
 * still tags every image). Throws BundleError `source` naming the image.
 */
export async function planBundle(
  client: RegistryClient,
  images: readonly ImageToPack[],
  options: { platforms?: readonly PlatformFilter[]; skipBlobs?: ReadonlySet<string> } = {},
): Promise<BundlePlan> {
  const plan: BundlePlan = { images: [], manifests: [], blobs: [], skipped: [] };
  const seenManifests = new Set<string>();
  const seenBlobs = new Set<string>();
  const addManifest = (manifest: PlannedManifest) => {
    if (seenManifests.has(manifest.digest)) return;
    seenManifests.add(manifest.digest);
    plan.manifests.push(manifest);
  };
  const addBlobs = (parsed: ParsedManifest, repo: RepositoryRef) => {
    const descriptors = [...(parsed.config ? [parsed.config] : []), ...parsed.layers.filter((l) => !l.urls?.length)];
    for (const { digest, size } of descriptors) {
      if (seenBlobs.has(digest)) continue;
      seenBlobs.add(digest);
      if (options.skipBlobs?.has(digest)) plan.skipped.push(digest);
      else plan.blobs.push({ digest, size, repo });
    }
  };

  async function fetch(
    ref: ImageReference,
    what: string,
  ): Promise<{ manifest: PlannedManifest; parsed: ParsedManifest }> {
    const got = await client.getManifest(ref);
    if (!got.ok) throw new BundleError("source", `${what}: ${got.failure.message}`);
    const { bytes, mediaType, digest } = got.value;
    return { manifest: { digest, mediaType, bytes }, parsed: parseOrFail(bytes, mediaType, what) };
  }

  /** Adds a manifest's blobs, children and referrers (before it), then it; returns its referrer digests. */
  async function include(
    repo: RepositoryRef,
    manifest: PlannedManifest,
    parsed: ParsedManifest,
    what: string,
    depth: number,
  ) {
    if (parsed.isIndex) {
      for (const child of parsed.manifests) {
        const fetched = await fetch({ ...repo, digest: child.digest }, `${what} (${child.digest})`);
        await include(repo, fetched.manifest, fetched.parsed, what, depth);
      }
    } else addBlobs(parsed, repo);
    addManifest(manifest);
    const referrers: string[] = [];
    if (depth >= maxReferrerDepth) return referrers;
    const listed = await client.listReferrers(repo, manifest.digest);
    if (!listed.ok)
      throw new BundleError("source", `${what}: referrers of ${manifest.digest}: ${listed.failure.message}`);
    for (const referrer of listed.value) {
      const fetched = await fetch({ ...repo, digest: referrer.digest }, `${what} (referrer ${referrer.digest})`);
      await include(repo, fetched.manifest, fetched.parsed, what, depth + 1);
      referrers.push(referrer.digest);
    }
    return referrers;
  }

  for (const image of images) {
    const repo = { domain: image.ref.domain, path: image.ref.path };
    const top = await fetch(image.ref, image.reference);
    const chosen =
      options.platforms?.length && top.parsed.isIndex ? filterIndex(top, options.platforms, image.reference) : top;
    if (chosen !== top && chosen.manifest.digest !== top.manifest.digest) {
      const single = !chosen.parsed.isIndex;
      const fetched = single ? await fetch({ ...repo, digest: chosen.manifest.digest }, image.reference) : chosen;
      const referrers = await include(repo, fetched.manifest, fetched.parsed, image.reference, 0);
      plan.images.push(entry(image, fetched.manifest, referrers, single ? undefined : top.manifest.digest));
      continue;
    }
    const referrers = await include(repo, top.manifest, top.parsed, image.reference, 0);
    plan.images.push(entry(image, top.manifest, referrers));
  }
  return plan;
}

function entry(image: ImageToPack, manifest: PlannedManifest, referrers: string[], filteredFrom?: string): BundleImage {
  return {
    reference: image.reference,
    digest: manifest.digest,
    mediaType: manifest.mediaType,
    size: manifest.bytes.length,
    referrers,
    ...(filteredFrom !== undefined && { filteredFrom }),
  };
}

/**
 * The platforms of an index that match: one match gives that entry's
 * descriptor (its manifest is fetched by the caller), several give a new
 * index with only them. No match is an error naming what the index has.
 */
function filterIndex(
  top: { manifest: PlannedManifest; parsed: ParsedManifest },
  platforms: readonly PlatformFilter[],
  what: string,
): { manifest: PlannedManifest; parsed: ParsedManifest } {
  const kept = top.parsed.manifests.filter((m) =>
    platforms.some(
      (p) =>
        m.platform?.os === p.os &&
        m.platform.architecture === p.architecture &&
        (p.variant === undefined || m.platform.variant === p.variant),
    ),
  );
  if (kept.length === 0) {
    const has = top.parsed.manifests.map((m) => (m.platform ? `${m.platform.os}/${m.platform.architecture}` : "?"));
    throw new BundleError("source", `${what} has no manifest for the platforms asked for; it has ${has.join(", ")}`);
  }
  if (kept.length === top.parsed.manifests.length) return top;
  if (kept.length === 1) {
    const only = kept[0]!;
    return {
      manifest: { digest: only.digest, mediaType: only.mediaType, bytes: new Uint8Array() },
      parsed: { ...top.parsed, isIndex: false },
    };
  }
  const document = JSON.parse(Buffer.from(top.manifest.bytes).toString("utf8")) as Record<string, unknown>;
  const keptDigests = new Set(kept.map((m) => m.digest));
  document.manifests = (document.manifests as { digest: string }[]).filter((m) => keptDigests.has(m.digest));
  const bytes = Buffer.from(JSON.stringify(document));
  const mediaType = top.manifest.mediaType || mediaTypes.ociIndex;
  return { manifest: { digest: digestOf(bytes), mediaType, bytes }, parsed: { ...top.parsed, manifests: kept } };
}

function parseOrFail(bytes: Uint8Array, mediaType: string, what: string): ParsedManifest {
  try {
    return parseManifest(bytes, mediaType);
  } catch (error) {
    const message = error instanceof ManifestError ? error.message : String(error);
    throw new BundleError("source", `${what}: the registry returned a manifest Wharf cannot read: ${message}`);
  }
}
