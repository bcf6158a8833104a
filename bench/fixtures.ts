/**
 * @module
 * Test data, generated once per run before anything is timed, with every
 * digest computed in advance so that the client never hashes while measuring:
 * two 512 MiB random files (monolithic and chunked pushes), 2000 distinct
 * 4 KiB blobs, and a 4 GiB blob produced by a generator (no file).
 */
import { createHash, randomBytes, randomFillSync } from "node:crypto";
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { BlobSource, FileBlob } from "./registry-ops.ts";

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;
const WRITE_CHUNK = 4 * MiB;
const GENERATOR_CHUNK = MiB;

/** A small blob held in memory. */
export interface SmallBlob {
  readonly digest: string;
  readonly data: Buffer;
}

export function sha256(data: Buffer): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

/** Writes `size` random bytes to `path` (4 MiB writes), hashing them on the way. */
export async function writeRandomFile(path: string, size: number): Promise<FileBlob> {
  const hash = createHash("sha256");
  const buffer = Buffer.allocUnsafe(WRITE_CHUNK);
  const file = await open(path, "w");
  try {
    for (let done = 0; done < size; ) {
      const chunk = buffer.subarray(0, Math.min(WRITE_CHUNK, size - done));
      randomFillSync(chunk);
      hash.update(chunk);
      await file.write(chunk);
      done += chunk.length;
    }
  } finally {
    await file.close();
  }
  const digest = `sha256:${hash.digest("hex")}`;
  return {
    path,
    size,
    digest,
    open: () => createReadStream(path, { highWaterMark: MiB }),
  };
}

/** `count` distinct random blobs of `size` bytes each. */
export function smallBlobs(count: number, size: number): SmallBlob[] {
  return Array.from({ length: count }, () => {
    const data = randomBytes(size);
    return { digest: sha256(data), data };
  });
}

/**
 * The 1 MiB chunks of a generated blob: a random seed block, copied afresh for
 * every chunk (a write may still be queued when the next chunk is made) and
 * stamped with the chunk's index so that no two chunks are equal.
 */
function* generatedChunks(seed: Buffer, size: number): Generator<Buffer> {
  for (let offset = 0, index = 0; offset < size; offset += GENERATOR_CHUNK, index++) {
    const chunk = Buffer.allocUnsafe(Math.min(GENERATOR_CHUNK, size - offset));
    seed.copy(chunk, 0, 0, chunk.length);
    if (chunk.length >= 8) chunk.writeBigUInt64LE(BigInt(index), 0);
    yield chunk;
  }
}

/** A blob of `size` bytes streamed from a generator; its digest is computed here, up front. */
export function generatedBlob(size: number): BlobSource {
  const seed = randomBytes(GENERATOR_CHUNK);
  const hash = createHash("sha256");
  for (const chunk of generatedChunks(seed, size)) hash.update(chunk);
  return {
    digest: `sha256:${hash.digest("hex")}`,
    size,
    open: () => Readable.from(generatedChunks(seed, size), { objectMode: false }),
  };
}

/** Sizes and counts of the workloads' data. */
export const BIG_BLOB_SIZE = 512 * MiB;
export const CHUNK_SIZE = 16 * MiB;
export const SMALL_BLOB_COUNT = 2000;
export const SMALL_BLOB_SIZE = 4096;
export const HUGE_BLOB_SIZE = 4 * GiB;

/** Everything the workloads push, identical for both registries. */
export interface Fixtures {
  readonly monolithic: FileBlob;
  readonly chunked: FileBlob;
  readonly small: readonly SmallBlob[];
  /** The config and the layer every benchmark manifest references. */
  readonly manifestConfig: SmallBlob;
  readonly manifestLayer: SmallBlob;
  /** Undefined in --quick mode. */
  readonly huge: BlobSource | undefined;
}

export async function prepareFixtures(dir: string, withHuge: boolean): Promise<Fixtures> {
  const monolithic = await writeRandomFile(join(dir, "monolithic.bin"), BIG_BLOB_SIZE);
  const chunked = await writeRandomFile(join(dir, "chunked.bin"), BIG_BLOB_SIZE);
  const [manifestLayer] = smallBlobs(1, SMALL_BLOB_SIZE);
  const config = {
    architecture: "amd64",
    os: "linux",
    config: {},
    rootfs: { type: "layers", diff_ids: [manifestLayer!.digest] },
  };
  const configData = Buffer.from(JSON.stringify(config));
  return {
    monolithic,
    chunked,
    small: smallBlobs(SMALL_BLOB_COUNT, SMALL_BLOB_SIZE),
    manifestConfig: { digest: sha256(configData), data: configData },
    manifestLayer: manifestLayer!,
    huge: withHuge ? generatedBlob(HUGE_BLOB_SIZE) : undefined,
  };
}
