/**
 * @module
 * The media types Wharf recognises: the four manifest formats it stores (OCI
 * image manifest and index, Docker schema 2 manifest and manifest list), the
 * Docker schema 1 formats it refuses by name, and the common config and layer
 * types (image-spec media-types.md; distribution docs, manifest-v2-2.md).
 * OCI 1.1 artifacts have no media type of their own: they are OCI image
 * manifests with an `artifactType`, so they need nothing extra here.
 */

/** Every media type Wharf names in code, keyed by a short name. */
export const mediaTypes = {
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociIndex: "application/vnd.oci.image.index.v1+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerSchema1: "application/vnd.docker.distribution.manifest.v1+json",
  dockerSchema1Signed: "application/vnd.docker.distribution.manifest.v1+prettyjws",
  ociEmpty: "application/vnd.oci.empty.v1+json",
  ociConfig: "application/vnd.oci.image.config.v1+json",
  ociLayerTar: "application/vnd.oci.image.layer.v1.tar",
  ociLayerGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  ociLayerZstd: "application/vnd.oci.image.layer.v1.tar+zstd",
  ociLayerNondistributableTar: "application/vnd.oci.image.layer.nondistributable.v1.tar",
  ociLayerNondistributableGzip: "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
  ociLayerNondistributableZstd: "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
  dockerConfig: "application/vnd.docker.container.image.v1+json",
  dockerLayerGzip: "application/vnd.docker.image.rootfs.diff.tar.gzip",
  dockerForeignLayerGzip: "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
} as const;

/** A manifest media type Wharf stores and serves. */
export type ManifestMediaType =
  | typeof mediaTypes.ociManifest
  | typeof mediaTypes.ociIndex
  | typeof mediaTypes.dockerManifest
  | typeof mediaTypes.dockerManifestList;

/**
 * The manifest media types a PUT may carry, in the order error messages list
 * them. Schema 1 is deliberately absent (see {@link isSchema1MediaType}).
 */
export const acceptedManifestMediaTypes: ReadonlySet<string> = new Set<ManifestMediaType>([
  mediaTypes.ociManifest,
  mediaTypes.ociIndex,
  mediaTypes.dockerManifest,
  mediaTypes.dockerManifestList,
]);

/** True when `mediaType` is one of the four accepted manifest media types (exact match). */
export function isManifestMediaType(mediaType: string): mediaType is ManifestMediaType {
  return acceptedManifestMediaTypes.has(mediaType);
}

/**
 * True for the two media types whose document lists other manifests (OCI
 * index, Docker manifest list); false for everything else, unknown types
 * included.
 */
export function isIndexMediaType(mediaType: string): boolean {
  return mediaType === mediaTypes.ociIndex || mediaType === mediaTypes.dockerManifestList;
}

/** True for either Docker schema 1 media type (plain or signed), which Wharf refuses. */
export function isSchema1MediaType(mediaType: string): boolean {
  return mediaType === mediaTypes.dockerSchema1 || mediaType === mediaTypes.dockerSchema1Signed;
}

const restrictedName = "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}";
const mediaTypePattern = new RegExp(`^${restrictedName}/${restrictedName}$`);

/**
 * True when `text` has the `type/subtype` shape of RFC 6838 section 4.2
 * (restricted names of 1–127 characters, no parameters, no spaces). Says
 * nothing about whether the type is registered or known to Wharf.
 */
export function isMediaTypeShape(text: string): boolean {
  return mediaTypePattern.test(text);
}
