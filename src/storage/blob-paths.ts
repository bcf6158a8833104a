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
 * ```
 *
 * A blob path exists only after its content was verified against its name;
 * everything under `uploads/` is unverified and never served. An upload's
 * name binds the session to its repository (`repo-key` is a hash of the
 * repository name), so a session id used in another repository finds
 * nothing, and a session needs no database row: it survives restarts and is
 * shared by every node that shares the storage.
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
