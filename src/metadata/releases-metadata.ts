/**
 * @module
 * The releases part of the metadata port: immutable rows of an
 * application's versions, each with its channels and its images already
 * resolved to digests. Validation, resolution and permissions are the
 * releases service's. Absence is `undefined`; a duplicate version is the
 * driver's constraint error. Times are milliseconds since the epoch.
 */

/** One image of a release, as stored: where it comes from and the digest it was resolved to. */
export interface ReleaseImage {
  /** The repository path inside its source (without an external registry's prefix). */
  readonly name: string;
  /** `public`, the application's slug (its own images), or an external registry's short name. */
  readonly source: string;
  /** The tag asked for, when one was. */
  readonly tag?: string;
  /** The manifest digest, fixed when the release was created. */
  readonly digest: string;
}

/** The fields of a new release. */
export interface NewRelease {
  readonly appSlug: string;
  readonly version: string;
  readonly channels: readonly string[];
  readonly images: readonly ReleaseImage[];
  readonly createdAt: number;
}

/** A stored release. */
export interface ReleaseRow extends NewRelease {
  readonly id: number;
}

/** Releases; versions are unique per application. */
export interface ReleaseStore {
  createRelease(release: NewRelease): Promise<ReleaseRow>;
  findRelease(appSlug: string, version: string): Promise<ReleaseRow | undefined>;
  /** The application's releases, oldest first. */
  listReleases(appSlug: string): Promise<ReleaseRow[]>;
}
