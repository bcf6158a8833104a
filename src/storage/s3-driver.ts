/**
 * @module
 * The S3 storage driver: each path is one object `<prefix><path>` in one
 * bucket of any S3-compatible store, and a "folder" is a key prefix ending
 * in `/`. Every object is always whole and readable, so upload sessions
 * (`uploads/…`) are plain objects too and any node can continue one:
 * appending rewrites the object as "old bytes + new bytes" (server-side copy
 * of the old bytes when they fill a part, see s3-object-writer.ts), and the
 * new version replaces the old one atomically when the write completes.
 * Moves are server-side copies followed by a delete of the source.
 */
import { Readable } from "node:stream";
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import {
  backendError,
  createS3Location,
  isInvalidRange,
  isMissingKey,
  type S3Location,
  type S3Options,
} from "./s3-client.ts";
import { type CopySupport, copySource, maxCopyBytes, writeObject } from "./s3-object-writer.ts";
import { createS3PrefixOps } from "./s3-prefix-ops.ts";
import { peek, take } from "./s3-streams.ts";
import { type FileInfo, PathNotFoundError, type ReadRange, type StorageDriver } from "./storage-driver.ts";

/** The S3 driver with its location exposed, for the presigned-redirect option. */
export interface S3Driver extends StorageDriver {
  readonly location: S3Location;
  /** The object key that holds `path`. */
  key(path: string): string;
}

/** Creates an S3 driver from the `storage.s3` options. */
export function createS3Driver(options: S3Options): S3Driver {
  return createS3DriverAt(createS3Location(options));
}

/** Creates an S3 driver over an existing client and location. */
export function createS3DriverAt(at: S3Location): S3Driver {
  const { client, bucket } = at;
  const copy: CopySupport = { supported: true };
  const key = (path: string): string => {
    if (path.includes("..") || path.startsWith("/")) throw new Error(`unsafe storage path ${path}`);
    return `${at.prefix}${path}`;
  };
  const folder = (path: string): string => (path === "" ? at.prefix : `${key(path)}/`);

  async function stat(path: string): Promise<FileInfo | undefined> {
    const k = key(path);
    try {
      const out = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: k }));
      return { size: out.ContentLength ?? 0, modifiedAt: out.LastModified ?? new Date(0) };
    } catch (error) {
      if (isMissingKey(error)) return undefined;
      throw backendError("HeadObject", k, error);
    }
  }

  async function read(path: string, range?: ReadRange): Promise<Readable> {
    const k = key(path);
    const offset = range?.offset ?? 0;
    if (range?.length === 0) {
      if (!(await stat(path))) throw new PathNotFoundError(path);
      return Readable.from([]);
    }
    const end = range?.length === undefined ? "" : String(offset + range.length - 1);
    const header = offset === 0 && end === "" ? undefined : `bytes=${offset}-${end}`;
    try {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: k, Range: header }));
      const body = out.Body as Readable;
      // Some S3-compatible servers answer `bytes=N-N` with more than one byte: take only what was asked.
      if (range?.length !== undefined && (out.ContentLength ?? 0) > range.length) {
        return Readable.from(take(body, range.length));
      }
      return body;
    } catch (error) {
      if (isMissingKey(error)) throw new PathNotFoundError(path);
      // Reading at or past the end (or any range of an empty object) is empty, as on a file.
      if (isInvalidRange(error) && (await stat(path))) return Readable.from([]);
      throw backendError("GetObject", k, error);
    }
  }

  async function write(
    path: string,
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    options?: { append?: boolean },
  ): Promise<number> {
    const k = key(path);
    if (!options?.append) return writeObject(at, copy, k, source);
    const head = await stat(path);
    if (!head) return writeObject(at, copy, k, source, undefined, true);
    const rest = await peek(source);
    if (!rest) return head.size;
    return writeObject(at, copy, k, rest, { key: k, size: head.size }, true);
  }

  async function getContent(path: string): Promise<Buffer | undefined> {
    const k = key(path);
    try {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: k }));
      return Buffer.from(await out.Body!.transformToByteArray());
    } catch (error) {
      if (isMissingKey(error)) return undefined;
      throw backendError("GetObject", k, error);
    }
  }

  async function move(from: string, to: string): Promise<void> {
    const [fromKey, toKey] = [key(from), key(to)];
    const source = await stat(from);
    if (!source) throw new PathNotFoundError(from);
    try {
      if (source.size <= maxCopyBytes) {
        await client.send(
          new CopyObjectCommand({ Bucket: bucket, Key: toKey, CopySource: copySource(bucket, fromKey) }),
        );
      } else {
        await writeObject(at, copy, toKey, [], { key: fromKey, size: source.size });
      }
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: fromKey }));
    } catch (error) {
      if (isMissingKey(error)) throw new PathNotFoundError(from);
      throw backendError("move", `${fromKey} to ${toKey}`, error);
    }
  }

  const { list, remove } = createS3PrefixOps(at, key, folder);

  return {
    name: "s3",
    location: at,
    key,
    stat,
    read,
    write,
    getContent,
    putContent: async (path, content) => {
      await write(path, [content]);
    },
    move,
    delete: remove,
    list,
    presignedUrl: (path, ttlMs) =>
      getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key(path) }), {
        expiresIn: Math.max(1, Math.floor(ttlMs / 1000)),
      }).catch((error: unknown) => {
        throw backendError("presign", key(path), error);
      }),
  };
}
