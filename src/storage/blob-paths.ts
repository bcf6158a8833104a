/**
 * @module
 * Where things live inside a storage driver. The tree, relative to the
 * driver's root:
 *
 * ```
 * blobs/
 *   sha256/
 *     ab/
 *       ab12…ef/data          one verified blob, named by its digest
 *   sha512/…                  the same for sha512 digests
 * uploads/
 *   <session-id>/data         bytes received so far for an upload session
 * ```
 *
 * A blob path exists only after its content was verified against its name;
 * everything under `uploads/` is unverified and never served.
 */
import type { Digest } from "../digest/digest.ts";

/** The path of a verified blob's content. */
export function blobDataPath(digest: Digest): string {
  return `blobs/${digest.algorithm}/${digest.encoded.slice(0, 2)}/${digest.encoded}/data`;
}

/** The folder of an upload session (deleted whole when the session ends). */
export function uploadFolderPath(sessionId: string): string {
  return `uploads/${sessionId}`;
}

/** The bytes received so far for an upload session. */
export function uploadDataPath(sessionId: string): string {
  return `uploads/${sessionId}/data`;
}

/** The folder that holds every upload session. */
export const uploadsRoot = "uploads";
