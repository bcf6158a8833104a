/**
 * @module
 * Blob upload sessions (OCI distribution-spec "Pushing blobs"): monolithic,
 * POST+PUT, chunked PATCH with or without Content-Range, status, cancel.
 * Bytes go to `uploads/<id>/data` through the storage driver; the running
 * digest is kept in memory per session so completion needs no re-read, and
 * when it is missing (restart, another node) the data is hashed again from
 * storage. A blob becomes visible only after its digest was verified and it
 * was moved into place.
 */
import type { Hash } from "node:crypto";
import { randomUUID } from "node:crypto";
import { createDigestHash, type Digest } from "../digest/digest.ts";
import { WharfError } from "../errors/wharf-error.ts";
import type { BlobLinks, UploadSessions } from "../metadata/registry-metadata.ts";
import { blobDataPath, uploadDataPath, uploadFolderPath, uploadsRoot } from "../storage/blob-paths.ts";
import type { StorageDriver } from "../storage/storage-driver.ts";
import { hashingSource } from "./hashing-source.ts";
import { createKeyedMutex } from "./keyed-mutex.ts";

/** Where a session stands: its id and how many bytes were received. */
export interface UploadStatus {
  readonly id: string;
  readonly repository: string;
  readonly size: number;
}

/** A chunk's declared position (`Content-Range: start-end`, inclusive). */
export interface ChunkRange {
  readonly start: number;
  readonly end: number;
}

/** A verified, linked blob. */
export interface CommittedBlob {
  readonly digest: string;
  readonly size: number;
}

interface RunningHash {
  readonly hash: Hash;
  size: number;
}

const maxRunningHashes = 2000;

/** Dependencies of the upload service. */
export interface UploadServiceDeps {
  readonly driver: StorageDriver;
  readonly metadata: UploadSessions & BlobLinks;
  readonly expireAfterMs: number;
}

/** The upload service; see the module comment. */
export type UploadService = ReturnType<typeof createUploadService>;

/** Creates the upload service. */
export function createUploadService({ driver, metadata, expireAfterMs }: UploadServiceDeps) {
  const running = new Map<string, RunningHash>();
  const exclusive = createKeyedMutex();

  async function session(repository: string, id: string): Promise<UploadStatus> {
    const row = /^[0-9a-f-]{36}$/.test(id) ? await metadata.getUpload(id) : undefined;
    if (!row || row.repository !== repository) {
      throw new WharfError("BLOB_UPLOAD_UNKNOWN", `upload ${id.slice(0, 64)} is unknown, finished or expired`);
    }
    const size = (await driver.stat(uploadDataPath(id)))?.size ?? 0;
    return { id, repository, size };
  }

  function rememberHash(id: string, state: RunningHash): void {
    if (running.size >= maxRunningHashes) running.delete(running.keys().next().value!);
    running.set(id, state);
  }

  /** Appends `body` at the session's current end; returns the new status. */
  async function appendLocked(
    status: UploadStatus,
    body: AsyncIterable<Uint8Array>,
    touch: boolean,
  ): Promise<UploadStatus> {
    let state = running.get(status.id);
    if (status.size === 0) state = { hash: createDigestHash("sha256"), size: 0 };
    if (state && state.size !== status.size) state = undefined;
    running.delete(status.id);
    const progress = { bytes: 0 };
    const size = await driver.write(uploadDataPath(status.id), hashingSource(body, state?.hash, progress), {
      append: true,
      durable: false,
    });
    if (state && size === status.size + progress.bytes) {
      state.size = size;
      rememberHash(status.id, state);
    }
    if (touch) await metadata.touchUpload(status.id, Date.now());
    return { ...status, size };
  }

  async function digestOfUpload(id: string, size: number, digest: Digest): Promise<string> {
    const state = running.get(id);
    running.delete(id);
    if (state && state.size === size && digest.algorithm === "sha256") {
      return `sha256:${state.hash.digest("hex")}`;
    }
    const hash = createDigestHash(digest.algorithm);
    if (size > 0) for await (const chunk of await driver.read(uploadDataPath(id))) hash.update(chunk as Buffer);
    return `${digest.algorithm}:${hash.digest("hex")}`;
  }

  /**
   * Moves verified bytes into place (unless already there), then links them
   * and ends the session (when it has a row) in one transaction.
   */
  async function commit(
    repository: string,
    id: string,
    digest: Digest,
    size: number,
    hasRow: boolean,
  ): Promise<CommittedBlob> {
    const target = blobDataPath(digest);
    const existing = await driver.stat(target);
    if (!existing || existing.size !== size) await driver.move(uploadDataPath(id), target);
    if (hasRow) await metadata.finishUpload(id, repository, digest.value, size);
    else await metadata.linkBlob(repository, digest.value, size);
    await driver.delete(uploadFolderPath(id));
    return { digest: digest.value, size };
  }

  async function discard(id: string): Promise<void> {
    running.delete(id);
    await driver.delete(uploadFolderPath(id));
    await metadata.deleteUpload(id);
  }

  function digestMismatch(expected: Digest, actual: string): WharfError {
    return new WharfError(
      "DIGEST_INVALID",
      `the uploaded content has digest ${actual}, not ${expected.value}; the upload was discarded, push the blob again`,
      { detail: { expected: expected.value, actual } },
    );
  }

  return {
    /** Opens a session in `repository`. */
    async start(repository: string): Promise<UploadStatus> {
      const id = randomUUID();
      await metadata.createUpload(id, repository, Date.now());
      return { id, repository, size: 0 };
    },

    /** The session's status; BLOB_UPLOAD_UNKNOWN when it does not exist in `repository`. */
    status: session,

    /**
     * Appends a chunk. With `range`, its start must equal the bytes received
     * so far (else 416 with the current Range) and its length the body's.
     */
    append(repository: string, id: string, body: AsyncIterable<Uint8Array>, range?: ChunkRange) {
      return exclusive(id, async () => {
        const status = await session(repository, id);
        if (range && range.start !== status.size) {
          throw new WharfError(
            "BLOB_UPLOAD_INVALID",
            `chunk starts at byte ${range.start} but ${status.size} bytes were received so far; send the chunk that starts at ${status.size}`,
            { status: 416, headers: rangeHeaders(status) },
          );
        }
        const next = await appendLocked(status, body, true);
        if (range && next.size - status.size !== range.end - range.start + 1) {
          throw new WharfError(
            "BLOB_UPLOAD_INVALID",
            `Content-Range declared ${range.end - range.start + 1} bytes but the body had ${next.size - status.size}`,
            { headers: rangeHeaders(next) },
          );
        }
        return next;
      });
    },

    /** Appends the final body (if any), verifies `digest`, and commits the blob. */
    complete(repository: string, id: string, digest: Digest, body?: AsyncIterable<Uint8Array>) {
      return exclusive(id, async () => {
        let status = await session(repository, id);
        if (body) status = await appendLocked(status, body, false);
        const actual = await digestOfUpload(id, status.size, digest);
        if (actual !== digest.value) {
          await discard(id);
          throw digestMismatch(digest, actual);
        }
        return commit(repository, id, digest, status.size, true);
      });
    },

    /** Pushes a whole blob in one request (POST `?digest=`), with no session row. */
    async monolithic(repository: string, digest: Digest, body: AsyncIterable<Uint8Array>): Promise<CommittedBlob> {
      const id = randomUUID();
      const hash = createDigestHash(digest.algorithm);
      const progress = { bytes: 0 };
      try {
        // Append mode on a fresh path: the data file exists (and its mtime moves)
        // from the first byte, so the sweeper never mistakes it for an orphan.
        const size = await driver.write(uploadDataPath(id), hashingSource(body, hash, progress), {
          append: true,
          durable: false,
        });
        const actual = `${digest.algorithm}:${hash.digest("hex")}`;
        if (actual !== digest.value) throw digestMismatch(digest, actual);
        return await commit(repository, id, digest, size, false);
      } finally {
        await driver.delete(uploadFolderPath(id));
      }
    },

    /** Cancels a session and deletes its bytes. */
    async cancel(repository: string, id: string): Promise<void> {
      await exclusive(id, async () => {
        await session(repository, id);
        await discard(id);
      });
    },

    /** Removes sessions idle longer than the expiry, and orphaned folders. Returns how many. */
    async sweep(now: number): Promise<number> {
      const stale = await metadata.listStaleUploads(now - expireAfterMs, 500);
      for (const id of stale) await discard(id);
      let removed = stale.length;
      for (const id of await driver.list(uploadsRoot)) {
        if (await metadata.getUpload(id)) continue;
        const info = await driver.stat(uploadDataPath(id));
        if (info && info.modifiedAt.getTime() < now - expireAfterMs) {
          await driver.delete(uploadFolderPath(id));
          removed++;
        }
      }
      return removed;
    },
  };
}

/** The `Range` header value for bytes received so far (`0-0` when none, as Distribution does). */
export function uploadRange(size: number): string {
  return `0-${Math.max(size - 1, 0)}`;
}

function rangeHeaders(status: UploadStatus): Record<string, string> {
  return { Range: uploadRange(status.size), "Docker-Upload-UUID": status.id };
}
