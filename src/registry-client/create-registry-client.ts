/**
 * @module
 * The registry client: the one way Wharf talks to other registries —
 * Docker Hub, GHCR, Quay, GCR, ECR, Harbor, Distribution, another Wharf.
 * The pull-secret check, the proxy, the rewriter and the airgap bundler
 * all use it, so the token dance, retries and digest verification exist
 * once. Every operation resolves to a RegistryResult and never rejects.
 */
import type { ImageReference } from "../reference/image-reference.ts";
import { type BaseCheck, checkBase } from "./check-base.ts";
import { type BlobDownload, getBlob } from "./get-blob.ts";
import { type FetchedManifest, type GetManifestOptions, getManifest } from "./get-manifest.ts";
import { type BlobHead, headBlob } from "./head-blob.ts";
import { headManifest, type ManifestHead } from "./head-manifest.ts";
import { listReferrers, type ReferrerDescriptor } from "./list-referrers.ts";
import { type ListTagsOptions, listTags } from "./list-tags.ts";
import { type BlobPushOutcome, type BlobToPush, pushBlob } from "./push-blob.ts";
import { putManifest } from "./put-manifest.ts";
import { type CatalogPage, readCatalog } from "./read-catalog.ts";
import { type RegistryClientOptions, resolveOptions } from "./registry-client-options.ts";
import { failed, type RegistryResult } from "./registry-result.ts";
import { createRegistryTransport } from "./registry-transport.ts";
import type { RepositoryRef } from "./repository-address.ts";
import { type ResolvedPlatforms, resolvePlatforms } from "./resolve-platforms.ts";

/**
 * A client for Distribution/OCI registries. References come from
 * parseReference: `docker.io` is dialed as `registry-1.docker.io`; a
 * reference with neither tag nor digest means `latest`; with both, the
 * digest is fetched. Each operation's own module documents its edge cases.
 */
export interface RegistryClient {
  /** GET /v2/ on a registry domain or host: is it there, and are the credentials accepted? */
  checkBase(host: string): Promise<RegistryResult<BaseCheck>>;
  /** HEAD a manifest: digest, media type and size, verified (falls back to GET when headers are missing). */
  headManifest(ref: ImageReference): Promise<RegistryResult<ManifestHead>>;
  /** GET a manifest's exact bytes, digest-verified. */
  getManifest(ref: ImageReference, options?: GetManifestOptions): Promise<RegistryResult<FetchedManifest>>;
  /** The platform manifests of an index (or the one manifest of a single-platform image). */
  resolvePlatforms(ref: ImageReference): Promise<RegistryResult<ResolvedPlatforms>>;
  /** Stream a blob; the stream errors at its end if the bytes do not match the digest. */
  getBlob(repo: RepositoryRef, digest: string): Promise<RegistryResult<BlobDownload>>;
  /** HEAD a blob: does the repository have it, and how big is it? */
  headBlob(repo: RepositoryRef, digest: string): Promise<RegistryResult<BlobHead>>;
  /** Every tag, following `Link` pagination; `n` is the page size asked for. */
  listTags(repo: RepositoryRef, options?: ListTagsOptions): Promise<RegistryResult<string[]>>;
  /** The first page (`n` entries asked for, default 100) of a registry's catalog; many registries refuse it. */
  readCatalog(host: string, n?: number): Promise<RegistryResult<CatalogPage>>;
  /** The referrers of a manifest (referrers API, else the `sha256-<hex>` tag schema); empty when none. */
  listReferrers(repo: RepositoryRef, digest: string): Promise<RegistryResult<ReferrerDescriptor[]>>;
  /** Push a blob unless the repository has it, mounting from `blob.mountFrom` when it can. */
  pushBlob(repo: RepositoryRef, blob: BlobToPush): Promise<RegistryResult<BlobPushOutcome>>;
  /** PUT a manifest under a tag or its digest. */
  putManifest(
    repo: RepositoryRef,
    reference: string,
    bytes: Uint8Array,
    mediaType: string,
  ): Promise<RegistryResult<{ readonly digest?: string }>>;
}

/**
 * A client with the given credentials and settings (see
 * RegistryClientOptions for defaults). It caches challenges and Bearer
 * tokens for its lifetime, so create one per set of credentials and reuse
 * it. Holds no sockets open between requests that keep the process alive.
 */
export function createRegistryClient(options: RegistryClientOptions = {}): RegistryClient {
  const transport = createRegistryTransport(resolveOptions(options));
  return {
    checkBase: (host) => guard(checkBase(transport, host)),
    headManifest: (ref) => guard(headManifest(transport, ref)),
    getManifest: (ref, getOptions) => guard(getManifest(transport, ref, getOptions)),
    resolvePlatforms: (ref) => guard(resolvePlatforms(transport, ref)),
    getBlob: (repo, digest) => guard(getBlob(transport, repo, digest)),
    headBlob: (repo, digest) => guard(headBlob(transport, repo, digest)),
    listTags: (repo, tagOptions) => guard(listTags(transport, repo, tagOptions)),
    readCatalog: (host, n) => guard(readCatalog(transport, host, n)),
    listReferrers: (repo, digest) => guard(listReferrers(transport, repo, digest)),
    pushBlob: (repo, blob) => guard(pushBlob(transport, repo, blob)),
    putManifest: (repo, reference, bytes, mediaType) =>
      guard(putManifest(transport, repo, reference, bytes, mediaType)),
  };
}

/**
 * Keeps the promise that operations never reject: an exception can only
 * come from input the operations do not validate (a host that is not a
 * URL authority, say) or a bug, and either way it is reported, not thrown.
 */
async function guard<T>(operation: Promise<RegistryResult<T>>): Promise<RegistryResult<T>> {
  try {
    return await operation;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return failed("protocol", `registry client: ${reason.slice(0, 300)}`);
  }
}
