/**
 * @module
 * Writes one S3 object from a stream, optionally after the bytes of an
 * existing object (the "head"): S3 has no append, so appending to `K` writes
 * a new `K` made of the old `K` and the new bytes, and the object changes
 * only when the write completes (PutObject or CompleteMultipartUpload are
 * atomic). A failed write aborts its multipart upload: the old object stays.
 *
 * Memory is bounded: bytes are cut into parts of at least
 * {@link minPartBytes} (S3's minimum for every part but the last), at most
 * {@link partsInFlight} upload while the next fills. A head of at least one
 * part is copied server-side (UploadPartCopy); a smaller head, or any head on
 * a server without UploadPartCopy, streams through this process.
 */
import type { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
} from "@aws-sdk/client-s3";
import { backendError, isNotImplemented, type S3Location } from "./s3-client.ts";

/** S3's smallest part (every part but the last). */
export const minPartBytes = 5 * 1024 * 1024;
/** The largest UploadPartCopy source range and the largest CopyObject. */
export const maxCopyBytes = 5 * 1024 * 1024 * 1024;
const basePartBytes = 8 * 1024 * 1024;
const partsInFlight = 2;

/** Part `n` (1-based) is 8 MiB, doubling every 2000 parts, so 10,000 parts hold well over 1 TiB. */
function partTarget(partNumber: number): number {
  return basePartBytes * 2 ** Math.floor((partNumber - 1) / 2000);
}

/** An existing object whose bytes come first. */
export interface Head {
  readonly key: string;
  readonly size: number;
}

/** Per-driver memory of whether the server implements UploadPartCopy (learnt on first use). */
export interface CopySupport {
  supported: boolean;
}

/** Percent-encodes a key for `x-amz-copy-source`, keeping its `/`. */
export function copySource(bucket: string, key: string): string {
  return `${bucket}/${key.split("/").map(encodeURIComponent).join("/")}`;
}

/** Splits `size` bytes into ranges of at most {@link maxCopyBytes}, all of about equal size. */
function copyRanges(size: number): string[] {
  const count = Math.ceil(size / maxCopyBytes);
  const each = Math.ceil(size / count);
  const ranges: string[] = [];
  for (let start = 0; start < size; start += each) ranges.push(`bytes=${start}-${Math.min(start + each, size) - 1}`);
  return ranges;
}

const headReadAttempts = 5;

function shortHead(head: Head, got: number): Error {
  return new Error(`the stored object ${head.key} read back ${got} of its ${head.size} bytes`);
}

/** `stream`'s chunks, failing at the end unless they were exactly `head.size` bytes. */
async function* exactly(stream: AsyncIterable<Uint8Array>, head: Head): AsyncIterable<Uint8Array> {
  let got = 0;
  for await (const chunk of stream) {
    got += chunk.byteLength;
    if (got > head.size) throw shortHead(head, got);
    yield chunk;
  }
  if (got !== head.size) throw shortHead(head, got);
}

async function* concat(
  first: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  second: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): AsyncIterable<Uint8Array> {
  yield* first;
  yield* second;
}

/**
 * Writes `key` from `head`'s bytes (when given) followed by `source`, and
 * returns the object's size. The object appears whole or not at all. When
 * `source` fails, the old object stays, unless `keepPrefix` (an append):
 * then the object becomes head + the bytes received, so an interrupted
 * upload resumes where it broke, and the source's error is rethrown.
 */
export async function writeObject(
  at: S3Location,
  copy: CopySupport,
  key: string,
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  head?: Head,
  keepPrefix = false,
): Promise<number> {
  const { client, bucket } = at;
  let uploadId: string | undefined;
  const parts: CompletedPart[] = [];
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  let total = 0;

  const start = async (): Promise<string> => {
    uploadId ??= (await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }))).UploadId!;
    return uploadId;
  };
  const abort = async (): Promise<void> => {
    if (uploadId === undefined) return;
    const id = uploadId;
    uploadId = undefined;
    // Best effort: an upload left behind is removed by the bucket's lifecycle rule.
    await client
      .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: id }))
      .catch(() => undefined);
  };
  const sendPart = async (body: Buffer): Promise<void> => {
    const partNumber = parts.length + 1;
    const slot: CompletedPart = { PartNumber: partNumber };
    parts.push(slot);
    const id = await start();
    const task = client
      .send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: key,
          UploadId: id,
          PartNumber: partNumber,
          Body: body,
          ContentLength: body.length,
        }),
      )
      .then(
        (out) => {
          (slot as { ETag?: string }).ETag = out.ETag;
        },
        (error: unknown) => {
          failure ??= { error };
        },
      )
      .finally(() => running.delete(task));
    running.add(task);
    if (running.size >= partsInFlight) await Promise.race(running);
    if (failure) throw failure.error;
  };

  let sourceFailure: { error: unknown } | undefined;
  let received = 0;
  async function* guarded(): AsyncIterable<Uint8Array> {
    try {
      for await (const chunk of source) {
        received += chunk.byteLength;
        yield chunk;
      }
    } catch (error) {
      sourceFailure = { error };
      if (!keepPrefix || received === 0) throw error;
    }
  }

  try {
    let body = guarded();
    if (head && head.size > 0) {
      if (head.size >= minPartBytes && copy.supported && (await copyHead(head))) total = head.size;
      else body = concat(await openHead(head), body);
    }
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    for await (const chunk of body) {
      pending.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      pendingBytes += chunk.byteLength;
      total += chunk.byteLength;
      if (pendingBytes >= partTarget(parts.length + 1)) {
        const part = Buffer.concat(pending, pendingBytes);
        pending = [];
        pendingBytes = 0;
        await sendPart(part);
      }
    }
    const rest = Buffer.concat(pending, pendingBytes);
    if (parts.length === 0) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: rest, ContentLength: rest.length }));
      if (sourceFailure) throw sourceFailure.error;
      return total;
    }
    if (rest.length > 0) await sendPart(rest);
    await Promise.all(running);
    if (failure) throw failure.error;
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
    uploadId = undefined;
    if (sourceFailure) throw sourceFailure.error;
    return total;
  } catch (error) {
    await Promise.allSettled(running);
    await abort();
    // The source's own error goes back as it came; anything else is the store's.
    if (sourceFailure && error === sourceFailure.error) throw error;
    throw backendError("write", key, error);
  }

  /** Copies the head server-side as the first parts; false when the server cannot. */
  async function copyHead(from: Head): Promise<boolean> {
    const id = await start();
    try {
      for (const range of copyRanges(from.size)) {
        const partNumber = parts.length + 1;
        const out = await client.send(
          new UploadPartCopyCommand({
            Bucket: bucket,
            Key: key,
            UploadId: id,
            PartNumber: partNumber,
            CopySource: copySource(bucket, from.key),
            CopySourceRange: range,
          }),
        );
        parts.push({ PartNumber: partNumber, ETag: out.CopyPartResult?.ETag });
      }
      return true;
    } catch (error) {
      if (parts.length > 0) throw error;
      // A server without UploadPartCopy is remembered; any other refusal of
      // the first copy falls back to streaming for this write only.
      if (isNotImplemented(error)) copy.supported = false;
      await abort();
      return false;
    }
  }

  /**
   * The head's bytes, exactly `from.size` of them: a store that answers a
   * read right after a write with fewer bytes (s3rver does, now and then)
   * must not turn an append into a shorter object. A small head is read
   * whole and read again when short; a large one fails the write when it
   * comes up short, leaving the old object.
   */
  async function openHead(from: Head): Promise<AsyncIterable<Uint8Array> | Iterable<Uint8Array>> {
    const read = () => client.send(new GetObjectCommand({ Bucket: bucket, Key: from.key }));
    if (from.size < minPartBytes) {
      for (let attempt = 1; ; attempt++) {
        const bytes = Buffer.from(await (await read()).Body!.transformToByteArray());
        if (bytes.length === from.size) return [bytes];
        if (attempt === headReadAttempts) throw shortHead(from, bytes.length);
      }
    }
    return exactly((await read()).Body as Readable, from);
  }
}
