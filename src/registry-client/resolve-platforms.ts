/**
 * @module
 * Which image a multi-platform tag holds for each platform. The airgap
 * bundler needs every child manifest of an index, the rewriter needs to
 * know whether a tag is multi-platform at all, and both need the answer
 * from one GET of the verified index rather than a guess from the tag.
 */
import type { Descriptor } from "../oci/descriptor.ts";
import { isIndexMediaType } from "../oci/media-types.ts";
import { parseManifest } from "../oci/parse-manifest.ts";
import type { ImageReference } from "../reference/image-reference.ts";
import { getManifest } from "./get-manifest.ts";
import { failed, type RegistryResult, success } from "./registry-result.ts";
import type { RegistryTransport } from "./registry-transport.ts";

/** The manifest a reference resolves to, and the manifests per platform. */
export interface ResolvedPlatforms {
  /** Digest of the manifest the reference names (the index, for a multi-platform image). */
  readonly digest: string;
  readonly mediaType: string;
  readonly isIndex: boolean;
  /**
   * For an index: its entries in document order, each with `platform` when
   * the index gives one (attestation entries, for example, may have
   * `unknown/unknown` or none). For a single image manifest: one entry
   * describing that manifest, without `platform` (it lives in the config
   * blob, which is not fetched).
   */
  readonly manifests: readonly Descriptor[];
}

/**
 * GETs `ref`'s manifest (see getManifest) and lists its platform manifests.
 * An index that fails validation (parseManifest) fails with `protocol`,
 * the message naming the bad field. Nested indexes are not followed.
 */
export async function resolvePlatforms(
  transport: RegistryTransport,
  ref: ImageReference,
): Promise<RegistryResult<ResolvedPlatforms>> {
  const fetched = await getManifest(transport, ref);
  if (!fetched.ok) return fetched;
  const { bytes, mediaType, digest } = fetched.value;
  if (!isIndexMediaType(mediaType)) {
    const self: Descriptor = { mediaType, digest, size: bytes.length };
    return success({ digest, mediaType, isIndex: false, manifests: [self] });
  }
  try {
    const index = parseManifest(bytes, mediaType);
    return success({ digest, mediaType, isIndex: true, manifests: index.manifests });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return failed("protocol", `the index ${digest} of ${ref.domain}/${ref.path} is invalid: ${reason}`);
  }
}
