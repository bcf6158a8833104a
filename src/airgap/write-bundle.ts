/**
 * @module
 * Writes a planned bundle as one tar file in OCI image layout: `oci-layout`,
 * every blob once under `blobs/sha256/`, `index.json` (one entry per image,
 * annotated with its original reference), and `wharf-bundle.json`. Blobs
 * stream from the registry into the file with flat memory — several at
 * once, each into the region its size reserves, in 1 MiB writes — and are
 * verified on the way (the registry client's digest check). The file grows as
 * `<out>.partial`; a build that was interrupted resumes from the last blob
 * that is complete and verified, and the file gets its name only when whole.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { type FileHandle, open, rename, stat } from "node:fs/promises";
import { mediaTypes } from "../oci/media-types.ts";
import type { RegistryClient } from "../registry-client/create-registry-client.ts";
import { createLimiter } from "../rewrite/classify-image.ts";
import { type BundleDescription, bundleFormat } from "./bundle-description.ts";
import { BundleError } from "./bundle-error.ts";
import type { BundleProgress } from "./bundle-progress.ts";
import type { BundlePlan, PlannedBlob } from "./plan-bundle.ts";
import { scanTar } from "./scan-tar.ts";
import { blockSize, tarEntryLength, tarHeader, tarPadding, tarTrailer } from "./tar-format.ts";

/** What the bundle says about itself beyond the plan. */
export interface BundleInfo {
  readonly app?: string;
  readonly release?: string;
  readonly created: string;
  readonly deltaOf?: BundleDescription["deltaOf"];
}

/** The name of a blob in the layout. */
export function blobPath(digest: string): string {
  return `blobs/${digest.replace(":", "/")}`;
}

/** The layout's `index.json` for `description`. */
export function layoutIndex(description: BundleDescription): object {
  return {
    schemaVersion: 2,
    mediaType: mediaTypes.ociIndex,
    manifests: description.images.map((image) => ({
      mediaType: image.mediaType,
      digest: image.digest,
      size: image.size,
      annotations: { "org.opencontainers.image.ref.name": image.reference },
    })),
  };
}

/**
 * Writes `plan` to `out` (through `<out>.partial`), fetching blobs with
 * `client`, and returns the bundle's description. Throws BundleError
 * `source` when a blob cannot be read or does not match its digest (the
 * partial file stays, so running again resumes).
 */
export async function writeBundle(
  plan: BundlePlan,
  client: RegistryClient,
  out: string,
  info: BundleInfo,
  progress: BundleProgress,
): Promise<BundleDescription> {
  const partial = `${out}.partial`;
  // Not "a": with O_APPEND, positioned writes would land at the end.
  const file = await open(partial, "r+").catch(() => open(partial, "w+"));
  try {
    const { position, have } = await resume(file, partial);
    let at = position;
    const append = async (data: Uint8Array) => {
      await file.write(data, 0, data.length, at);
      at += data.length;
    };
    const addEntry = async (name: string, data: Uint8Array) => {
      await append(tarHeader(name, data.length));
      await append(data);
      await append(tarPadding(data.length));
    };
    if (!have.has("oci-layout"))
      await addEntry("oci-layout", Buffer.from(JSON.stringify({ imageLayoutVersion: "1.0.0" })));
    const missing = plan.blobs.filter((blob) => !have.has(blobPath(blob.digest)));
    const total = plan.blobs.reduce((sum, b) => sum + b.size, 0);
    const left = missing.reduce((sum, b) => sum + b.size, 0);
    progress.start(total, plan.blobs.length, total - left, plan.blobs.length - missing.length);
    // Every blob's place in the file follows from the sizes before it, so
    // several downloads run at once, each writing its own region.
    const placed: { blob: PlannedBlob; offset: number }[] = [];
    for (const blob of missing) {
      placed.push({ blob, offset: at });
      at += tarEntryLength(blob.size);
    }
    const limit = createLimiter(blobConcurrency);
    const stop = { failed: false };
    const results = await Promise.allSettled(
      placed.map(({ blob, offset }) =>
        limit(async () => {
          if (stop.failed) return;
          try {
            await writeBlob(file, client, blob, offset, progress, stop);
          } catch (error) {
            stop.failed = true;
            throw error;
          }
        }),
      ),
    );
    const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failure) throw failure.reason;
    for (const manifest of plan.manifests) {
      if (!have.has(blobPath(manifest.digest))) await addEntry(blobPath(manifest.digest), manifest.bytes);
    }
    const blobs: Record<string, number> = {};
    for (const blob of plan.blobs) blobs[blob.digest] = blob.size;
    for (const manifest of plan.manifests) blobs[manifest.digest] = manifest.bytes.length;
    const description: BundleDescription = {
      format: bundleFormat,
      ...(info.app !== undefined && { app: info.app }),
      ...(info.release !== undefined && { release: info.release }),
      created: info.created,
      images: plan.images,
      blobs,
      ...(info.deltaOf !== undefined && { deltaOf: info.deltaOf }),
    };
    await addEntry("index.json", Buffer.from(JSON.stringify(layoutIndex(description))));
    await addEntry("wharf-bundle.json", Buffer.from(JSON.stringify(description, null, 2)));
    await append(tarTrailer());
    await file.truncate(at);
    await file.sync();
    progress.finish();
    await file.close();
    await rename(partial, out);
    return description;
  } catch (error) {
    await file.close().catch(() => undefined);
    throw error;
  }
}

const blobConcurrency = 4;
const writeChunk = 1 << 20;

/**
 * Downloads `blob` into its region at `offset` (header, bytes, padding),
 * gathering the stream's small chunks into 1 MiB writes. Stops when
 * `stop.failed` is set by another download; never writes past its region.
 */
async function writeBlob(
  file: FileHandle,
  client: RegistryClient,
  blob: PlannedBlob,
  offset: number,
  progress: BundleProgress,
  stop: { readonly failed: boolean },
): Promise<void> {
  const download = await client.getBlob(blob.repo, blob.digest);
  if (!download.ok) throw new BundleError("source", `blob ${blob.digest}: ${download.failure.message}`);
  const buffer = Buffer.allocUnsafe(writeChunk);
  buffer.set(tarHeader(blobPath(blob.digest), blob.size), 0);
  let filled = blockSize;
  let position = offset;
  const flush = async () => {
    if (filled === 0) return;
    await file.write(buffer, 0, filled, position);
    position += filled;
    filled = 0;
  };
  let received = 0;
  const stream = download.value.stream;
  try {
    for await (const data of stream) {
      if (stop.failed) throw new BundleError("source", "stopped: another blob failed");
      const chunk = data as Buffer;
      received += chunk.length;
      if (received > blob.size)
        throw new BundleError("source", `blob ${blob.digest}: more bytes than the ${blob.size} its manifest says`);
      let from = 0;
      while (from < chunk.length) {
        const take = Math.min(chunk.length - from, writeChunk - filled);
        chunk.copy(buffer, filled, from, from + take);
        filled += take;
        from += take;
        if (filled === writeChunk) await flush();
      }
      progress.advance(chunk.length);
    }
  } catch (error) {
    stream.destroy();
    if (error instanceof BundleError) throw error;
    throw new BundleError("source", `blob ${blob.digest}: ${(error as Error).message}`);
  }
  if (received !== blob.size)
    throw new BundleError("source", `blob ${blob.digest}: ${received} bytes, not the ${blob.size} its manifest says`);
  const padding = tarPadding(blob.size);
  if (filled + padding.length > writeChunk) await flush();
  buffer.set(padding, filled);
  filled += padding.length;
  await flush();
  progress.blobDone();
}

/**
 * Keeps what an earlier run wrote: every entry whose bytes are complete and,
 * for blobs, match their digest; the file is cut after the last such entry.
 * Index and description entries are dropped (they are written last, anew).
 */
async function resume(file: FileHandle, path: string): Promise<{ position: number; have: Set<string> }> {
  const size = (await stat(path)).size;
  const have = new Set<string>();
  if (size === 0) return { position: 0, have };
  const scan = await scanTar(file, size);
  let position = 0;
  for (const entry of scan.entries) {
    if (entry.name === "index.json" || entry.name === "wharf-bundle.json") break;
    if (entry.name.startsWith("blobs/sha256/") && !(await matches(path, entry.offset, entry.size, entry.name))) break;
    have.add(entry.name);
    position = entry.offset + Math.ceil(entry.size / 512) * 512;
  }
  await file.truncate(position);
  return { position, have };
}

async function matches(path: string, offset: number, size: number, name: string): Promise<boolean> {
  const hash = createHash("sha256");
  if (size > 0)
    for await (const chunk of createReadStream(path, { start: offset, end: offset + size - 1 }))
      hash.update(chunk as Buffer);
  return `blobs/sha256/${hash.digest("hex")}` === name;
}
