/**
 * @module
 * The read side of repositories for people rather than clients: which
 * repositories a namespace holds, with counts and the last push, and every
 * tag with its manifest and when it was pushed. The management API's
 * `repo list` and `repo tags` read this; the distribution API never does.
 */

/** A repository with its counts and times (milliseconds since the epoch). */
export interface RepositorySummaryRow {
  readonly name: string;
  readonly tags: number;
  readonly manifests: number;
  /** Bytes of the distinct blobs the repository links (each counted once), from the metadata. */
  readonly bytes: number;
  readonly createdAt: number;
  /** The newest tag move or manifest push; null for a repository holding only blobs. */
  readonly pushedAt: number | null;
}

/** A manifest's stored bytes. */
export interface ManifestBytes {
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  readonly content: Uint8Array;
}

/** A tag, the manifest it points at, and when it was last pushed (moved). */
export interface TagDetailRow extends ManifestBytes {
  readonly tag: string;
  readonly pushedAt: number;
}

/** Repository listings. Absence is `undefined`, never an exception. */
export interface RepositoryContents {
  /** Repositories named `namespace` or under `namespace/` (every one when undefined), by name, at most `limit`. */
  summaries(namespace: string | undefined, limit: number): Promise<RepositorySummaryRow[]>;
  /** Every tag of `repository` by name, at most `limit`; undefined when the repository does not exist. */
  tagDetails(repository: string, limit: number): Promise<TagDetailRow[] | undefined>;
  /** The manifests of `repository` among `digests` (an index's children). */
  manifests(repository: string, digests: readonly string[]): Promise<ManifestBytes[]>;
}
