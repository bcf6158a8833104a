/**
 * @module
 * The registry's metadata port, split by role so a service depends on the
 * smallest part it needs. Absence is a return value (`undefined`, `false`),
 * never an exception. One implementation over Kysely serves SQLite and
 * PostgreSQL; the conformance suite in registry-metadata.conformance.ts runs
 * against each.
 */

/** A manifest as stored: its bytes and what was learnt from them at push. */
export interface StoredManifest {
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  readonly content: Uint8Array;
}

/** A manifest to store, with the fields the referrers API needs. */
export interface NewManifest extends StoredManifest {
  readonly artifactType?: string;
  readonly subjectDigest?: string;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** What a manifest needs in its repository: blobs (config, layers) and child manifests. */
export interface ManifestReferences {
  readonly blobs: readonly string[];
  readonly manifests: readonly string[];
}

/** One referrer of a subject, as the referrers API lists it. */
export interface ReferrerRow {
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  readonly artifactType: string | undefined;
  readonly annotations: Record<string, string> | undefined;
}

export interface RepositoryCatalog {
  /** Names after `after` (exclusive) in lexical order, at most `limit`. */
  listRepositories(after: string | undefined, limit: number): Promise<string[]>;
  /** True when the repository has ever received a blob, upload or manifest. */
  repositoryExists(name: string): Promise<boolean>;
}

export interface BlobLinks {
  /** The blob's size when it is linked into `repository`, else undefined. */
  linkedBlob(repository: string, digest: string): Promise<{ size: number } | undefined>;
  /**
   * Records a verified blob (once) and links it into `repository`
   * (idempotent), raising both rows' last reference time. False, and no
   * link, while the garbage collector is deleting the blob (retry later).
   */
  linkBlob(repository: string, digest: string, size: number): Promise<boolean>;
  /**
   * Records the blob (once) and raises its last reference time before its
   * file is written, so a collector started later keeps it for the grace
   * window; false while the collector is deleting it. Visible to the
   * collector once it resolves, but need not be durable on its own: the
   * {@link linkBlob} that follows is (and makes it so).
   */
  reserveBlob(digest: string, size: number): Promise<boolean>;
  /** Removes the link; false when there was none. The blob's bytes stay for GC. */
  unlinkBlob(repository: string, digest: string): Promise<boolean>;
  /** A verified blob's size when it is stored anywhere, else undefined. */
  storedBlob(digest: string): Promise<{ size: number } | undefined>;
  /** Repositories that link `digest` (for mounting without `from`), at most `limit`. */
  repositoriesLinking(digest: string, limit: number): Promise<string[]>;
  /** The subset of `digests` not linked into `repository`. */
  missingBlobs(repository: string, digests: readonly string[]): Promise<string[]>;
}

export interface ManifestIndex {
  /** A manifest by tag or digest (a digest reference starts with an algorithm and ':'). */
  getManifest(repository: string, reference: string): Promise<StoredManifest | undefined>;
  /**
   * Stores a manifest and, when given, points `tag` at it — one transaction
   * that first raises the last reference time of each of `references` in the
   * repository. Returns the references that were missing (then nothing is
   * stored), empty on success.
   */
  putManifest(
    repository: string,
    manifest: NewManifest,
    tag: string | undefined,
    references?: ManifestReferences,
  ): Promise<string[]>;
  /** The subset of `digests` that are not manifests in `repository`. */
  missingManifests(repository: string, digests: readonly string[]): Promise<string[]>;
  /** Deletes a manifest and every tag pointing at it; false when it was not there. */
  deleteManifest(repository: string, digest: string): Promise<boolean>;
  /** Deletes one tag, keeping the manifest; false when it was not there. */
  deleteTag(repository: string, tag: string): Promise<boolean>;
  /** Tags after `after` (exclusive) in lexical order, at most `limit`. */
  listTags(repository: string, after: string | undefined, limit: number): Promise<string[]>;
  /** Manifests whose subject is `digest`, optionally only of one artifact type. */
  listReferrers(repository: string, digest: string, artifactType?: string): Promise<ReferrerRow[]>;
}

/** Removing a whole repository (a management operation, not part of the distribution API). */
export interface RepositoryRemoval {
  /**
   * Deletes the repository's tags, manifests and blob links and the repository
   * itself, in one transaction; undefined when there was none. The blobs'
   * bytes and rows stay for a garbage collector (other repositories may link them).
   */
  deleteRepository(name: string): Promise<{ tags: number; manifests: number } | undefined>;
}

/** Everything the registry service needs from the database. */
export interface RegistryMetadata extends RepositoryCatalog, BlobLinks, ManifestIndex, RepositoryRemoval {}
