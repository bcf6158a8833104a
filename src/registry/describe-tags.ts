/**
 * @module
 * What `wharf repo tags` shows for each tag: the manifest's digest and media
 * type, its size, when the tag was pushed, and for an index (multi-platform
 * image) each platform with its own digest and size. A size is the
 * compressed bytes of the config and layers a pull fetches; an index's size
 * is the sum over its platforms (each child once). A manifest that no longer
 * parses is still listed, without sizes: listing never fails on one image.
 */
import type { ManifestBytes, TagDetailRow } from "../metadata/repository-contents.ts";
import type { Descriptor } from "../oci/descriptor.ts";
import { type ParsedManifest, parseManifest } from "../oci/parse-manifest.ts";

/** One platform of an index. */
export interface PlatformView {
  /** `os/architecture[/variant]`, or `unknown` for an entry without a platform (e.g. an attestation). */
  readonly platform: string;
  readonly digest: string;
  /** Null when the child manifest is not in the repository or does not parse. */
  readonly size: number | null;
}

/** A tag as listings show it. */
export interface TagView {
  readonly tag: string;
  readonly digest: string;
  readonly mediaType: string;
  readonly kind: "image" | "index" | "artifact";
  readonly size: number | null;
  readonly pushedAt: string;
  readonly platforms?: readonly PlatformView[];
}

/** Loads child manifests of a repository by digest. */
export type ChildLoader = (digests: readonly string[]) => Promise<ManifestBytes[]>;

function parse(bytes: ManifestBytes): ParsedManifest | undefined {
  try {
    return parseManifest(bytes.content, bytes.mediaType);
  } catch {
    return undefined;
  }
}

function imageSize(manifest: ParsedManifest): number {
  return (manifest.config?.size ?? 0) + manifest.layers.reduce((sum, layer) => sum + layer.size, 0);
}

function platformName(entry: Descriptor): string {
  const p = entry.platform;
  if (!p) return "unknown";
  return [p.os, p.architecture, p.variant].filter((part) => part !== undefined && part !== "").join("/");
}

/** The views of `rows`, loading the children of indexes through `load` (one call for all of them). */
export async function describeTags(rows: readonly TagDetailRow[], load: ChildLoader): Promise<TagView[]> {
  const parsed = rows.map((row) => ({ row, manifest: parse(row) }));
  const childDigests = new Set<string>();
  for (const { manifest } of parsed) {
    if (manifest?.isIndex) for (const entry of manifest.manifests) childDigests.add(entry.digest);
  }
  const children = new Map<string, number | null>();
  for (const child of await load([...childDigests])) {
    const manifest = parse(child);
    children.set(child.digest, manifest && !manifest.isIndex ? imageSize(manifest) : null);
  }
  return parsed.map(({ row, manifest }) => {
    const base = {
      tag: row.tag,
      digest: row.digest,
      mediaType: row.mediaType,
      pushedAt: new Date(row.pushedAt).toISOString(),
    };
    if (!manifest) return { ...base, kind: "image", size: null };
    if (!manifest.isIndex) {
      const artifact = manifest.artifactType !== undefined;
      return { ...base, kind: artifact ? "artifact" : "image", size: imageSize(manifest) };
    }
    const platforms = manifest.manifests.map((entry) => ({
      platform: platformName(entry),
      digest: entry.digest,
      size: children.get(entry.digest) ?? null,
    }));
    const seen = new Set<string>();
    let size: number | null = 0;
    for (const p of platforms) {
      if (seen.has(p.digest)) continue;
      seen.add(p.digest);
      size = size === null || p.size === null ? null : size + p.size;
    }
    return { ...base, kind: "index", size, platforms };
  });
}
