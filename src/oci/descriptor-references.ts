/**
 * @module
 * What must already be in a repository before a manifest may be stored
 * there (distribution-spec, "Pushing Manifests": a registry refuses a
 * manifest whose references it does not hold, with MANIFEST_BLOB_UNKNOWN).
 * The `subject` is never on the list: OCI 1.1 lets a referrer be pushed
 * before the manifest it refers to.
 */
import type { ParsedManifest } from "./parse-manifest.ts";

/** Digests a manifest needs, split by where the registry looks them up. */
export interface RequiredReferences {
  /** Config and layer blobs (image manifests); empty for indexes. */
  readonly blobs: readonly string[];
  /** Child manifests (indexes); empty for image manifests. */
  readonly manifests: readonly string[];
}

/**
 * The digests `manifest` references that must exist in the repository: the
 * config and layers of an image manifest (as blobs), the entries of an index
 * (as manifests). Each digest is listed once, in first-seen order, so a
 * layer repeated in the stack, or a config equal to a layer (the OCI empty
 * descriptor used for both), is checked once. A layer carrying `urls` is
 * left out: its content is fetched from those URLs, not from this registry
 * (Windows foreign layers; the reference registry does the same). Whether such
 * URLs are allowed at all is a policy for the caller, not decided here.
 */
export function requiredReferences(manifest: ParsedManifest): RequiredReferences {
  if (manifest.isIndex) {
    return { blobs: [], manifests: unique(manifest.manifests.map((entry) => entry.digest)) };
  }
  const blobs = new Set<string>();
  if (manifest.config !== undefined) blobs.add(manifest.config.digest);
  for (const layer of manifest.layers) {
    if (layer.urls === undefined || layer.urls.length === 0) blobs.add(layer.digest);
  }
  return { blobs: [...blobs], manifests: [] };
}

function unique(digests: string[]): string[] {
  return [...new Set(digests)];
}
