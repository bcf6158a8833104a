/**
 * @module
 * A repository as the registry handlers see it: blobs, manifests, tags,
 * referrers and uploads of one name. The dispatcher resolves the name to a
 * Repository after authorization, so handlers never learn whether they serve
 * the local store or the pull-through proxy. Implementations: the local
 * repository (local-repository.ts) and the proxy repository (proxy/).
 * Every implementation fails with RepositoryError kinds.
 */

import type { Readable } from "node:stream";
import type { Principal } from "../accounts/access.ts";
import type { Digest } from "../digest/digest.ts";
import type { ReferrerRow, StoredManifest } from "../metadata/registry-metadata.ts";
import type { ReadRange } from "../storage/storage-driver.ts";
import type { BlobOffload } from "./blob-offload.ts";
import type { CanPull } from "./blob-service.ts";
import type { ManifestReference, PushedManifest } from "./manifest-service.ts";
import type { ChunkRange, CommittedBlob, UploadStatus } from "./upload-service.ts";

/** A blob ready to be read: its size is known before the first byte. */
export interface OpenedBlob {
  readonly size: number;
  /** The bytes (or a range of them); the stream errors rather than ends if they turn out corrupt. */
  read(range?: ReadRange): Promise<Readable>;
}

/** Blob reads and unlinking. */
export interface RepositoryBlobs {
  /** The blob's size (HEAD); unknown blobs fail. */
  stat(digest: Digest): Promise<{ readonly size: number }>;
  /** The blob for a GET; unknown blobs fail. */
  open(digest: Digest): Promise<OpenedBlob>;
  delete(digest: Digest): Promise<void>;
  /** A URL the client may fetch the blob from instead (`storage.redirect`), or undefined to stream it. */
  redirect?(digest: Digest): Promise<string | undefined>;
  /** How a reverse proxy serves the blob's file (`storage.filesystem.offload`), or undefined to stream it. */
  offload?(digest: Digest): BlobOffload | undefined;
}

/** A manifest as served; `stale` says why it may be out of date (served from cache while its source failed). */
export interface ServedManifest extends StoredManifest {
  readonly stale?: string;
}

/** Manifest reads and writes. */
export interface RepositoryManifests {
  get(reference: ManifestReference): Promise<ServedManifest>;
  put(reference: ManifestReference, body: Uint8Array, contentType: string | undefined): Promise<PushedManifest>;
  delete(reference: ManifestReference): Promise<void>;
}

/** One page of tags; `stale` as for manifests. */
export interface TagPage {
  readonly tags: string[];
  readonly stale?: string;
}

/** Upload sessions and cross-repository mounts (pushing blobs). */
export interface RepositoryUploads {
  /** Opens a session held by `owner` (the principal its quota counts against). */
  start(owner: string): Promise<UploadStatus>;
  status(id: string): Promise<UploadStatus>;
  /** `length`: the body's declared size, checked against the quotas before a byte is stored. */
  append(
    id: string,
    owner: string,
    body: AsyncIterable<Uint8Array>,
    range?: ChunkRange,
    length?: number,
  ): Promise<UploadStatus>;
  /** `range`: the final chunk's declared position, held to the same ordering rule as `append`. */
  complete(
    id: string,
    owner: string,
    digest: Digest,
    body?: AsyncIterable<Uint8Array>,
    length?: number,
    range?: ChunkRange,
  ): Promise<CommittedBlob>;
  monolithic(digest: Digest, body: AsyncIterable<Uint8Array>, length?: number): Promise<CommittedBlob>;
  cancel(id: string): Promise<void>;
  /** Links a blob from another repository; false when nothing was mountable. */
  mount(digest: Digest, from: string | undefined, canPull: CanPull): Promise<boolean>;
}

/** One repository. */
export interface Repository {
  readonly name: string;
  readonly blobs: RepositoryBlobs;
  readonly manifests: RepositoryManifests;
  /** Tags after `last`, at most `limit` (sorted); unknown repositories fail with `name-unknown`. */
  tags(last: string | undefined, limit: number): Promise<TagPage>;
  /** Referrers of `subject`, optionally of one artifact type. */
  referrers(subject: Digest, artifactType: string | undefined): Promise<ReferrerRow[]>;
  readonly uploads: RepositoryUploads;
}

/** Who reads a repository (after authorization): some implementations serve each reader its own view. */
export interface RepositoryReader {
  readonly principal: Principal;
  /** `host[:port]` the client addressed (or the server's public URL's). */
  readonly host: string;
}

/**
 * Turns a validated repository name into its Repository; fails for names no
 * implementation serves. `reader` is absent where nobody in particular reads.
 */
export type RepositoryResolver = (name: string, reader?: RepositoryReader) => Promise<Repository>;
