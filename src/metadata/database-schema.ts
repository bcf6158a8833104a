/**
 * @module
 * The tables Wharf's metadata lives in, as Kysely sees them. Times are
 * milliseconds since the epoch; digests are canonical `algorithm:hex` text.
 * Manifests are kept in the database (they are small and bounded), so a
 * manifest GET is one indexed query; blob bytes live in the storage driver.
 */
import type { Generated } from "kysely";

export interface RepositoriesTable {
  id: Generated<number>;
  name: string;
  created_at: number;
}

/** Every verified blob in storage, once, whatever repositories link it. */
export interface BlobsTable {
  digest: string;
  size: number;
  created_at: number;
}

/** A blob belongs to a repository only through a link: a digest alone grants nothing. */
export interface RepositoryBlobsTable {
  repository_id: number;
  digest: string;
  created_at: number;
}

export interface ManifestsTable {
  repository_id: number;
  digest: string;
  media_type: string;
  size: number;
  content: Uint8Array;
  artifact_type: string | null;
  subject_digest: string | null;
  annotations: string | null;
  created_at: number;
}

export interface TagsTable {
  repository_id: number;
  name: string;
  manifest_digest: string;
  updated_at: number;
}

/** An upload session; its bytes so far live in storage at uploads/<id>/data. */
export interface UploadsTable {
  id: string;
  repository_id: number;
  created_at: number;
  updated_at: number;
}

/** The whole metadata database. */
export interface Database {
  repositories: RepositoriesTable;
  blobs: BlobsTable;
  repository_blobs: RepositoryBlobsTable;
  manifests: ManifestsTable;
  tags: TagsTable;
  uploads: UploadsTable;
}
