/**
 * @module
 * Where things live inside a storage driver. The tree, relative to the
 * driver's root:
 *
 * ```
 * blobs/
 *   sha256/
 *     ab/
 *       ab12…ef                  one verified blob, named by its digest
 *   sha512/…                     the same for sha512 digests
 * uploads/
 *   <repo-key>-<session-id>      bytes received so far for an upload session
 * upload-owners/
 *   <owner-key>/
 *     <repo-key>-<session-id>    empty: the session was opened by this owner
 * ```
 *
 * A blob path exists only after its content was verified against its name;
 * everything under `uploads/` is unverified and never served. An upload's
 * name binds the session to its repository (`repo-key` is a hash of the
 * repository name), so a session id used in another repository finds
 * nothing, and a session needs no database row: it survives restarts and is
 * shared by every node that shares the storage. The owner markers let the
 * upload quotas count a principal's sessions after a restart and on every
 * node (`owner-key` is a hash of the principal); a marker whose session is
 * gone is stale and removed when found.
 */
import { createHash } from "node:crypto";
import type { Digest } from "../digest/digest.ts";

/** The path of a verified blob's content. */
export function blobDataPath(digest: Digest): string {
  return `blobs/${digest.algorithm}/${digest.encoded.slice(0, 2)}/${digest.encoded}`;
}

/** The bytes received so far for upload session `sessionId` of `repository`. */
export function uploadDataPath(repository: string, sessionId: string): string {
  const repoKey = createHash("sha256").update(repository).digest("hex").slice(0, 16);
  return `${uploadsRoot}/${repoKey}-${sessionId}`;
}

/** The folder that holds every upload session. */
export const uploadsRoot = "uploads";

/** The folder that holds every owner's session markers. */
export const uploadOwnersRoot = "upload-owners";

/** The folder of `owner`'s markers (`owner` is an opaque principal key such as `user:42`). */
export function uploadOwnerFolder(owner: string): string {
  return `${uploadOwnersRoot}/${createHash("sha256").update(owner).digest("hex").slice(0, 16)}`;
}

/** The name of a session's bytes under {@link uploadsRoot} (and of its owner marker). */
export function uploadName(path: string): string {
  return path.slice(uploadsRoot.length + 1);
}
