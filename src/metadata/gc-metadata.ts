/**
 * @module
 * What the garbage collector reads and deletes in the database (src/gc/).
 * Every delete carries its own recheck (`last_referenced_at` older than the
 * cutoff, nothing pointing at the row) in the same statement, so a push that
 * references a row after the collector looked keeps it.
 */
import type { ReleaseImage } from "./releases-metadata.ts";

/** A repository by id and name. */
export interface GcRepository {
  readonly id: number;
  readonly name: string;
}

/** A manifest as the collector sees it. */
export interface GcManifest {
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  readonly content: Uint8Array;
  readonly subjectDigest: string | undefined;
  readonly lastReferencedAt: number;
}

/** A tag, when it was last moved and (when recorded) last pulled. */
export interface GcTag {
  readonly name: string;
  readonly digest: string;
  readonly updatedAt: number;
  readonly pulledAt?: number | undefined;
}

/** A blob link of one repository. */
export interface GcLink {
  readonly digest: string;
  readonly lastReferencedAt: number;
}

/** A blob row with how many repositories link it. */
export interface GcBlob {
  readonly digest: string;
  readonly size: number;
  readonly links: number;
}

/** A release's application and images (what pins manifests; see src/gc/gc-pins.ts). */
export interface GcRelease {
  readonly id: number;
  readonly appSlug: string;
  readonly images: readonly ReleaseImage[];
}

/** The collector's database port. */
export interface GcMetadata {
  /** Repositories after id `after`, in id order, at most `limit`. */
  repositories(after: number, limit: number): Promise<GcRepository[]>;
  /** Every manifest and tag of a repository. */
  contents(repositoryId: number): Promise<{ manifests: GcManifest[]; tags: GcTag[] }>;
  /** Every blob link of a repository. */
  links(repositoryId: number): Promise<GcLink[]>;
  /** Deletes tags (retention) that still point where and since when they did; returns how many went. */
  deleteTags(repositoryId: number, tags: readonly GcTag[]): Promise<number>;
  /** Deletes untagged manifests among `digests` last referenced before `cutoff`; returns how many went. */
  deleteManifests(repositoryId: number, digests: readonly string[], cutoff: number): Promise<number>;
  /** Deletes links among `digests` last referenced before `cutoff`; returns how many went. */
  deleteLinks(repositoryId: number, digests: readonly string[], cutoff: number): Promise<number>;
  /** Unclaimed blobs last referenced before `cutoff`, after digest `after`, at most `limit`, with their link counts. */
  staleBlobs(cutoff: number, after: string, limit: number): Promise<GcBlob[]>;
  /**
   * Claims unlinked blobs among `digests` last referenced before `cutoff`
   * (sets `deleting_at`); returns those claimed. A push waits on a claim.
   */
  claimBlobs(digests: readonly string[], cutoff: number, now: number): Promise<GcBlob[]>;
  /** Blobs claimed by a collector that did not finish (resuming after a crash). */
  claimedBlobs(limit: number): Promise<GcBlob[]>;
  /** Forgets claimed blobs whose files are deleted. */
  forgetBlobs(digests: readonly string[]): Promise<void>;
  /** Releases after id `after`, in id order, at most `limit`. */
  releases(after: number, limit: number): Promise<GcRelease[]>;
}

/** A pull of a tag, as recorded for retention's `keepPulledWithin`. */
export interface TagPull {
  readonly repository: string;
  readonly tag: string;
  readonly at: number;
}

/** Where tag pull times are written (in batches). */
export interface TagPullStore {
  /** Raises each tag's `pulled_at` to the pull's time (never lowers it); unknown tags are ignored. */
  recordTagPulls(pulls: readonly TagPull[]): Promise<void>;
}
