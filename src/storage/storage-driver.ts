/**
 * @module
 * The blob-storage driver: a small, path-keyed, streaming interface that knows
 * nothing of OCI (content addressing, repositories and uploads live above it,
 * in the registry service). Paths are `/`-separated, relative, and made only by
 * {@link ./blob-paths.ts}; a driver never sees client input. Drivers translate
 * their SDK's errors into {@link PathNotFoundError} (a missing object) or
 * {@link StorageBackendError} (anything else the backend reports).
 */
import type { Readable } from "node:stream";

/** What a driver knows about a stored object. */
export interface FileInfo {
  readonly size: number;
  readonly modifiedAt: Date;
}

/** A byte range to read: `offset` from the start, `length` bytes (to the end when omitted). */
export interface ReadRange {
  readonly offset: number;
  readonly length?: number;
}

/** Options for {@link StorageDriver.write}. */
/** How {@link StorageDriver.move} may save work. */
export interface MoveOptions {
  /**
   * The object's bytes are on stable storage already (its last write was
   * `durable` and nothing changed it since): only the move itself must be
   * made durable. A driver may ignore it.
   */
  readonly synced?: boolean;
}

export interface WriteOptions {
  /** Append to an existing object instead of replacing it (upload chunks). */
  readonly append?: boolean;
  /**
   * Wait until the bytes are on stable storage before resolving (default
   * true). Upload chunks pass false: {@link StorageDriver.move} makes the
   * object durable before it becomes a blob, and an upload's status always
   * reports the bytes actually stored, so a lost tail is simply re-sent.
   */
  readonly durable?: boolean;
}

/** A storage backend. Every method is safe to call concurrently on different paths. */
export interface StorageDriver {
  /** The driver's name, as in configuration (`filesystem`, `s3`). */
  readonly name: string;
  /** Size and time of an object, or undefined when there is none. */
  stat(path: string): Promise<FileInfo | undefined>;
  /** A stream of an object's bytes; throws PathNotFoundError when it is missing. */
  read(path: string, range?: ReadRange): Promise<Readable>;
  /**
   * Streams `source` into `path` and makes it durable before resolving.
   * Returns the object's total size afterwards. When the source fails, an
   * append keeps the bytes received before the failure (so an interrupted
   * upload resumes there) and a replace leaves the old object.
   */
  write(
    path: string,
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    options?: WriteOptions,
  ): Promise<number>;
  /** A small object's whole content, or undefined when missing. */
  getContent(path: string): Promise<Buffer | undefined>;
  /** Replaces a small object atomically and durably. */
  putContent(path: string, content: Uint8Array): Promise<void>;
  /**
   * Moves an object atomically and durably, replacing `to`: once it resolves,
   * `to` holds all of `from`'s bytes even after a power loss. Throws
   * PathNotFoundError when `from` is missing.
   */
  move(from: string, to: string, options?: MoveOptions): Promise<void>;
  /** Deletes an object or a whole prefix; a missing path is not an error. */
  delete(path: string): Promise<void>;
  /** Names of the direct children of a prefix (empty when none). */
  list(prefix: string): Promise<string[]>;
  /**
   * A URL any client may GET the object from, without other credentials,
   * for `ttlMs` (a presigned URL). Only drivers whose store serves clients
   * directly have it.
   */
  readonly presignedUrl?: (path: string, ttlMs: number) => Promise<string>;
  /**
   * The local file that holds the object at `path`, for drivers that keep
   * objects as files (filesystem). The proxy writes a download there so
   * its clients can read it while it grows; {@link move} then commits it
   * like any object. Drivers of remote stores have none.
   */
  readonly localPath?: (path: string) => string;
}

/** The object at `path` does not exist. */
export class PathNotFoundError extends Error {
  readonly path: string;
  constructor(path: string) {
    super(`no object at ${path}`);
    this.name = "PathNotFoundError";
    this.path = path;
  }
}

/**
 * The backend failed or refused (unreachable, denied, no such bucket): the
 * message names the operation, the path and the backend's own error code.
 */
export class StorageBackendError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "StorageBackendError";
  }
}
