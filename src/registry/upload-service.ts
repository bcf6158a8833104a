/**
 * @module
 * Blob upload sessions (OCI distribution-spec "Pushing blobs"): monolithic,
 * POST+PUT, chunked PATCH with or without Content-Range, status, cancel.
 * A session is nothing but its bytes in storage (see blob-paths.ts), so it
 * survives restarts, is shared by every node, and costs no database write;
 * an empty owner marker beside it counts it against its opener's quotas
 * (upload-quota.ts), and blobs are capped at `maxBlobBytes`.
 * The running digest is kept in memory per session so completion needs no
 * re-read; when it is missing (restart, another node) the bytes are hashed
 * again from storage. A blob becomes visible only after its digest was
 * verified and it was durably moved into place.
 */
import type { Hash } from "node:crypto";
import { randomUUID } from "node:crypto";
import { createDigestHash, type Digest } from "../digest/digest.ts";
import type { BlobLinks } from "../metadata/registry-metadata.ts";
import { uploadDataPath, uploadsRoot } from "../storage/blob-paths.ts";
import type { StorageDriver } from "../storage/storage-driver.ts";
import { commitBlob } from "./commit-blob.ts";
import { hashingSource } from "./hashing-source.ts";
import { createKeyedMutex, type KeyedMutex } from "./keyed-mutex.ts";
import { RepositoryError } from "./repository-error.ts";
import type { UploadQuota } from "./upload-quota.ts";

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
const sessionIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const nothing: Uint8Array[] = [];

/** Dependencies of the upload service. */
export interface UploadServiceDeps {
  readonly driver: StorageDriver;
  readonly links: BlobLinks;
  readonly expireAfterMs: number;
  /** Sessions and unfinished bytes per owner. */
  readonly quota: UploadQuota;
  /** Largest blob accepted (`limits.maxBlobBytes`). */
  readonly maxBlobBytes: number;
  /** Refuses a verified blob its namespace has no room for (quota/create-quotas.ts); none by default. */
  readonly checkQuota?: (repository: string, digest: string, size: number) => Promise<void>;
  /** Serializes work per session id; in-process by default, across the workers of one server when given (cluster/). */
  readonly exclusive?: KeyedMutex;
}

/** The upload service; see the module comment. */
export type UploadService = ReturnType<typeof createUploadService>;

/** The `Range` header value for bytes received so far (`0-0` when none, as Distribution does). */
export function uploadRange(size: number): string {
  return `0-${Math.max(size - 1, 0)}`;
}

function progress(status: UploadStatus): { upload: { received: number; id: string } } {
  return { upload: { received: status.size, id: status.id } };
}

/**
 * The ordering rule of chunked uploads, checked under the session's lock: a
 * chunk must start where the session ends. A PATCH is told where to resume
 * (and which session); the completing PUT only how much was received.
 */
function assertInOrder(status: UploadStatus, range: ChunkRange | undefined, final: boolean): void {
  if (!range || range.start === status.size) return;
  const received = `chunk starts at byte ${range.start} but ${status.size} bytes were received so far`;
  if (final) {
    throw new RepositoryError("upload-out-of-order", received, { upload: { received: status.size } });
  }
  throw new RepositoryError(
    "upload-out-of-order",
    `${received}; send the chunk that starts at ${status.size}`,
    progress(status),
  );
}

function digestMismatch(expected: Digest, actual: string): RepositoryError {
  return new RepositoryError(
    "digest-invalid",
    `the uploaded content has digest ${actual}, not ${expected.value}; the upload was discarded, push the blob again`,
    { expected: expected.value, actual },
  );
}

function blobTooLarge(max: number): RepositoryError {
  return new RepositoryError(
    "size-invalid",
    `the blob is larger than ${max} bytes, the most this registry accepts (limits.maxBlobBytes); ask the operator to raise it`,
  );
}

/** Creates the upload service. */
export function createUploadService(deps: UploadServiceDeps) {
  const { driver, links, expireAfterMs, quota, maxBlobBytes, checkQuota } = deps;
  const running = new Map<string, RunningHash>();
  const exclusive = deps.exclusive ?? createKeyedMutex();

  async function session(repository: string, id: string): Promise<UploadStatus> {
    const info = sessionIdPattern.test(id) ? await driver.stat(uploadDataPath(repository, id)) : undefined;
    if (!info) throw new RepositoryError("upload-unknown", `upload ${id.slice(0, 64)} is unknown, finished or expired`);
    return { id, repository, size: info.size };
  }

  function rememberHash(path: string, state: RunningHash): void {
    if (running.size >= maxRunningHashes) running.delete(running.keys().next().value!);
    running.set(path, state);
  }

  /**
   * Appends `body` at the session's end, hashing on the way when the running
   * hash is current. The stream fails (its prefix stays in the session) once
   * the blob would exceed the size limit or `owner` the bytes quota; when
   * the body's `length` is declared and too large, before a byte is written.
   * `durable` for the final body: the session's bytes are then on disk, and
   * the commit need not sync them again.
   */
  async function append(
    status: UploadStatus,
    body: AsyncIterable<Uint8Array>,
    owner: string,
    length: number | undefined,
    durable = false,
  ): Promise<UploadStatus> {
    const path = uploadDataPath(status.repository, status.id);
    const allowance = await quota.allowance(owner, path);
    const limit =
      allowance < maxBlobBytes - status.size
        ? { bytes: allowance, onTooLong: () => quota.overQuota(owner) }
        : { bytes: maxBlobBytes - status.size, onTooLong: () => blobTooLarge(maxBlobBytes) };
    if (length !== undefined && length > limit.bytes) throw limit.onTooLong();
    let state = running.get(path);
    if (status.size === 0) state = { hash: createDigestHash("sha256"), size: 0 };
    if (state && state.size !== status.size) state = undefined;
    running.delete(path);
    const progress = { bytes: 0 };
    const source = hashingSource(body, state?.hash, progress, limit);
    let size: number;
    try {
      size = await driver.write(path, source, { append: true, durable });
    } finally {
      quota.grew(path, status.size + progress.bytes);
    }
    if (state && size === status.size + progress.bytes) {
      state.size = size;
      rememberHash(path, state);
    }
    return { ...status, size };
  }

  async function digestOfUpload(path: string, size: number, digest: Digest): Promise<string> {
    const state = running.get(path);
    running.delete(path);
    if (state && state.size === size && digest.algorithm === "sha256") return `sha256:${state.hash.digest("hex")}`;
    const hash = createDigestHash(digest.algorithm);
    if (size > 0) for await (const chunk of await driver.read(path)) hash.update(chunk as Buffer);
    return `${digest.algorithm}:${hash.digest("hex")}`;
  }

  /**
   * Moves verified bytes durably into place, then links them (commit-blob.ts,
   * safe against the garbage collector). A blob that is already stored is
   * simply replaced by identical bytes (an atomic rename), which costs less
   * than asking first.
   */
  async function commit(
    repository: string,
    path: string,
    digest: Digest,
    size: number,
    synced: boolean,
  ): Promise<CommittedBlob> {
    await commitBlob(driver, links, repository, path, digest, size, synced);
    return { digest: digest.value, size };
  }

  async function discard(path: string): Promise<void> {
    running.delete(path);
    await driver.delete(path);
    await quota.close(path);
  }

  return {
    /** Opens a session of `owner` in `repository` (an empty object in storage); `quota-exceeded` over the owner's quota. */
    async start(repository: string, owner: string): Promise<UploadStatus> {
      const id = randomUUID();
      await quota.open(owner, uploadDataPath(repository, id));
      await driver.write(uploadDataPath(repository, id), nothing, { append: true, durable: false });
      return { id, repository, size: 0 };
    },

    /** The session's status; `upload-unknown` when it does not exist in `repository`. */
    status: session,

    /**
     * Appends a chunk. With `range`, its start must equal the bytes received
     * so far (else `upload-out-of-order` with the session's progress) and its
     * length the body's (else `upload-length-mismatch`).
     */
    append(
      repository: string,
      id: string,
      owner: string,
      body: AsyncIterable<Uint8Array>,
      range?: ChunkRange,
      length?: number,
    ) {
      return exclusive(id, async () => {
        const status = await session(repository, id);
        assertInOrder(status, range, false);
        const next = await append(status, body, owner, length);
        if (range && next.size - status.size !== range.end - range.start + 1) {
          throw new RepositoryError(
            "upload-length-mismatch",
            `Content-Range declared ${range.end - range.start + 1} bytes but the body had ${next.size - status.size}`,
            progress(next),
          );
        }
        return next;
      });
    },

    /**
     * Appends the final body (if any), verifies `digest`, and commits the
     * blob. With `range`, the body must start where the session ends (the
     * same ordering rule as {@link append}, under the same lock).
     */
    complete(
      repository: string,
      id: string,
      owner: string,
      digest: Digest,
      body?: AsyncIterable<Uint8Array>,
      length?: number,
      range?: ChunkRange,
    ) {
      return exclusive(id, async () => {
        let status = await session(repository, id);
        assertInOrder(status, range, true);
        // The final body is written durably: the blob's bytes are then on disk before the commit.
        if (body) status = await append(status, body, owner, length, true);
        const path = uploadDataPath(repository, id);
        const actual = await digestOfUpload(path, status.size, digest);
        if (actual !== digest.value) {
          await discard(path);
          throw digestMismatch(digest, actual);
        }
        try {
          await checkQuota?.(repository, digest.value, status.size);
        } catch (error) {
          await discard(path);
          throw error;
        }
        const committed = await commit(repository, path, digest, status.size, body !== undefined);
        await quota.close(path);
        return committed;
      });
    },

    /** Pushes a whole blob in one request (POST `?digest=`); `length` is the declared size, when known. */
    async monolithic(
      repository: string,
      digest: Digest,
      body: AsyncIterable<Uint8Array>,
      length?: number,
    ): Promise<CommittedBlob> {
      if (length !== undefined && length > maxBlobBytes) throw blobTooLarge(maxBlobBytes);
      const path = uploadDataPath(repository, randomUUID());
      const hash = createDigestHash(digest.algorithm);
      const progress = { bytes: 0 };
      try {
        // Appending to a fresh path: the object exists (and its mtime moves) from
        // the first byte, so the sweeper never takes a slow push for an orphan.
        const limit = { bytes: maxBlobBytes, onTooLong: () => blobTooLarge(maxBlobBytes) };
        const source = hashingSource(body, hash, progress, limit);
        const size = await driver.write(path, source, { append: true, durable: true });
        const actual = `${digest.algorithm}:${hash.digest("hex")}`;
        if (actual !== digest.value) throw digestMismatch(digest, actual);
        await checkQuota?.(repository, digest.value, size);
        return await commit(repository, path, digest, size, true);
      } catch (error) {
        await driver.delete(path);
        throw error;
      }
    },

    /** Cancels a session and deletes its bytes. */
    async cancel(repository: string, id: string): Promise<void> {
      await exclusive(id, async () => {
        await session(repository, id);
        await discard(uploadDataPath(repository, id));
      });
    },

    /** Removes sessions untouched for longer than the expiry. Returns how many. */
    async sweep(now: number): Promise<number> {
      let removed = 0;
      for (const name of await driver.list(uploadsRoot)) {
        const path = `${uploadsRoot}/${name}`;
        const info = await driver.stat(path);
        if (info && info.modifiedAt.getTime() < now - expireAfterMs) {
          await discard(path);
          removed++;
        }
      }
      await quota.sweep();
      return removed;
    },
  };
}
