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
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsCommand,
} from "@aws-sdk/client-s3";
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
    try {
      if (!options?.append) return await writeObject(at, copy, k, source);
      const head = await stat(path);
      if (!head) return await writeObject(at, copy, k, source, undefined, true);
      const rest = await peek(source);
      if (!rest) return head.size;
      return await writeObject(at, copy, k, rest, { key: k, size: head.size }, true);
    } catch (error) {
      if (isSdkError(error)) throw backendError("write", k, error);
      throw error;
    }
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
    const source = await stat(from);
    if (!source) throw new PathNotFoundError(from);
    const [fromKey, toKey] = [key(from), key(to)];
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

  async function remove(path: string): Promise<void> {
    const k = key(path);
    try {
      if (path !== "") await deleteOne(k);
      for await (const page of pages(folder(path), undefined)) {
        const keys = (page.Contents ?? []).map((object) => object.Key!);
        if (keys.length > 0) await deleteMany(keys);
      }
    } catch (error) {
      throw backendError("delete", k, error);
    }
  }

  /** Deletes one key; an error is forgiven when the key is gone anyway. */
  async function deleteOne(k: string): Promise<void> {
    try {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: k }));
    } catch (error) {
      const gone = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: k })).then(
        () => false,
        (headError: unknown) => isMissingKey(headError),
      );
      if (!gone) throw error;
    }
  }

  /**
   * Deletes up to 1000 keys in one DeleteObjects; when the server lacks it
   * (GCS's S3 API) or fails, one key at a time.
   */
  async function deleteMany(keys: string[]): Promise<void> {
    try {
      const out = await client.send(
        new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }),
      );
      if (!out.Errors?.length) return;
    } catch {
      // fall through to single deletes
    }
    for (const k of keys) await deleteOne(k);
  }

  async function list(prefix: string): Promise<string[]> {
    const within = folder(prefix);
    const names = new Set<string>();
    try {
      for await (const page of pages(within, "/")) {
        for (const common of page.CommonPrefixes ?? []) names.add(common.Prefix!.slice(within.length, -1));
        for (const object of page.Contents ?? []) names.add(object.Key!.slice(within.length));
      }
    } catch (error) {
      throw backendError("ListObjects", within, error);
    }
    names.delete("");
    return [...names].sort();
  }

  /**
   * Pages of a listing. ListObjects (v1, marker-paged) rather than v2: every
   * S3-compatible server has it, and some (s3rver on current Node) fail to
   * make v2 continuation tokens.
   */
  async function* pages(prefix: string, delimiter: string | undefined) {
    let marker: string | undefined;
    for (;;) {
      const page = await client.send(
        new ListObjectsCommand({ Bucket: bucket, Prefix: prefix, Delimiter: delimiter, Marker: marker }),
      );
      yield page;
      if (!page.IsTruncated) return;
      const last = [page.Contents?.at(-1)?.Key, page.CommonPrefixes?.at(-1)?.Prefix].filter((k) => k !== undefined);
      const next = page.NextMarker ?? last.sort().at(-1);
      if (next === undefined || next === marker) throw new Error(`the listing of ${prefix} did not advance`);
      marker = next;
    }
  }

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
      }),
  };
}

async function* take(source: Readable, bytes: number): AsyncIterable<Buffer> {
  let left = bytes;
  for await (const chunk of source) {
    const buffer = chunk as Buffer;
    if (buffer.length >= left) {
      yield buffer.subarray(0, left);
      break;
    }
    left -= buffer.length;
    yield buffer;
  }
  source.destroy();
}

function isSdkError(error: unknown): boolean {
  return typeof error === "object" && error !== null && "$metadata" in error;
}

/** The source, or undefined when it turns out to hold no bytes (its first chunk is read ahead). */
async function peek(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Promise<AsyncIterable<Uint8Array> | undefined> {
  const iterator = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : toAsync(source[Symbol.iterator]());
  let first = await iterator.next();
  while (!first.done && first.value.byteLength === 0) first = await iterator.next();
  if (first.done) return undefined;
  const firstChunk = first.value;
  return (async function* () {
    try {
      yield firstChunk;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    } finally {
      await iterator.return?.();
    }
  })();
}

function toAsync(iterator: Iterator<Uint8Array>): AsyncIterator<Uint8Array> {
  return { next: async () => iterator.next() };
}
