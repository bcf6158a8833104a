/**
 * @module
 * Writes a planned bundle as one tar file in OCI image layout: `oci-layout`,
 * every blob once under `blobs/sha256/`, `index.json` (one entry per image,
 * annotated with its original reference), and `wharf-bundle.json`. Blobs
 * stream from the registry into the file with flat memory and are verified
 * on the way (the registry client's digest check). The file grows as
 * `<out>.partial`; a build that was interrupted resumes from the last blob
 * that is complete and verified, and the file gets its name only when whole.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { type FileHandle, open, rename, stat } from "node:fs/promises";
import { mediaTypes } from "../oci/media-types.ts";
import type { RegistryClient } from "../registry-client/create-registry-client.ts";
import { type BundleDescription, bundleFormat } from "./bundle-description.ts";
import { BundleError } from "./bundle-error.ts";
import type { BundleProgress } from "./bundle-progress.ts";
import type { BundlePlan } from "./plan-bundle.ts";
import { scanTar } from "./scan-tar.ts";
import { tarHeader, tarPadding, tarTrailer } from "./tar-format.ts";

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
    for (const blob of missing) {
      const download = await client.getBlob(blob.repo, blob.digest);
      if (!download.ok) throw new BundleError("source", `blob ${blob.digest}: ${download.failure.message}`);
      await append(tarHeader(blobPath(blob.digest), blob.size));
      let written = 0;
      try {
        for await (const chunk of download.value.stream) {
          await append(chunk as Buffer);
          written += (chunk as Buffer).length;
          progress.advance((chunk as Buffer).length);
        }
      } catch (error) {
        throw new BundleError("source", `blob ${blob.digest}: ${(error as Error).message}`);
      }
      if (written !== blob.size)
        throw new BundleError(
          "source",
          `blob ${blob.digest}: ${written} bytes, not the ${blob.size} its manifest says`,
        );
      await append(tarPadding(blob.size));
      progress.blobDone();
    }
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
