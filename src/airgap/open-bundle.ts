/**
 * @module
 * Opens a bundle for reading and proves it whole before anything uses it:
 * the tar is sound to its end marker, `wharf-bundle.json` parses, every blob
 * hashes to its name and has the size the description lists, and every
 * manifest's config, layers, children and referrers are in the bundle (or,
 * for a delta, among the blobs its base provides). One flipped byte anywhere
 * refuses the bundle, naming what is wrong.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { availableParallelism } from "node:os";
import type { Readable, Writable } from "node:stream";
import { Worker } from "node:worker_threads";
import { ManifestError } from "../oci/manifest-error.ts";
import { type ParsedManifest, parseManifest } from "../oci/parse-manifest.ts";
import type { BodyWriter } from "../registry-client/send-request.ts";
import { type BundleDescription, bundleDescriptionSchema } from "./bundle-description.ts";
import { BundleError } from "./bundle-error.ts";
import type { BundleProgress } from "./bundle-progress.ts";
import { scanTar } from "./scan-tar.ts";
import type { TarEntry } from "./tar-format.ts";
import { blobPath } from "./write-bundle.ts";

/** A verified bundle. */
export interface OpenedBundle {
  readonly path: string;
  readonly description: BundleDescription;
  /** Manifests by digest, parsed. */
  readonly manifests: ReadonlyMap<string, { readonly bytes: Buffer; readonly parsed: ParsedManifest }>;
  /** True when the bundle stores the blob. */
  has(digest: string): boolean;
  /** The blob's size in the bundle. */
  sizeOf(digest: string): number;
  /** A fresh stream of a stored blob's bytes. */
  open(digest: string): Readable;
  /** A fresh writer of a stored blob's bytes into a request body (what a push sends). */
  writer(digest: string): BodyWriter;
}

const maxDescriptionBytes = 64 * 1024 * 1024;
const maxManifestBytes = 4 * 1024 * 1024;
const verifyChunk = 1 << 20;
const emptyDigest = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/** How verification runs. */
export interface OpenBundleOptions {
  /** Bytes the second hashing lane must hold to get a worker (64 MiB; tests pass 1 to exercise it). */
  readonly workerFromBytes?: number;
}

/** Opens and verifies `path`; throws BundleError `corrupt` (or `usage` for a file that is not a bundle). */
export async function openBundle(
  path: string,
  progress?: BundleProgress,
  options: OpenBundleOptions = {},
): Promise<OpenedBundle> {
  const size = (await stat(path).catch(() => undefined))?.size;
  if (size === undefined) throw new BundleError("usage", `${path} does not exist`);
  const file = await open(path, "r");
  let entries: Map<string, TarEntry>;
  try {
    const scan = await scanTar(file, size);
    if (scan.ending !== "end")
      throw new BundleError(
        "corrupt",
        `${path} is ${scan.ending === "truncated" ? "cut short" : "corrupted"} at byte ${scan.end}`,
      );
    entries = new Map(scan.entries.map((entry) => [entry.name, entry]));
  } finally {
    await file.close();
  }
  const read = async (entry: TarEntry) => {
    const chunks: Buffer[] = [];
    if (entry.size > 0)
      for await (const c of createReadStream(path, { start: entry.offset, end: entry.offset + entry.size - 1 }))
        chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  };
  const descriptionEntry = entries.get("wharf-bundle.json");
  if (descriptionEntry === undefined || !entries.has("index.json") || !entries.has("oci-layout")) {
    throw new BundleError(
      "usage",
      `${path} is not a Wharf bundle: it lacks ${["oci-layout", "index.json", "wharf-bundle.json"].filter((n) => !entries.has(n)).join(", ")}`,
    );
  }
  if (descriptionEntry.size > maxDescriptionBytes) throw new BundleError("corrupt", "wharf-bundle.json is too large");
  const description = parseDescription(await read(descriptionEntry));
  await verifyBlobs(path, entries, description, progress, options.workerFromBytes ?? minWorkerBytes);
  const manifests = new Map<string, { bytes: Buffer; parsed: ParsedManifest }>();
  for (const image of description.images) await loadManifestTree(image.digest, image.mediaType);
  for (const image of description.images) for (const r of image.referrers) await loadManifestTree(r, undefined);
  checkComplete(description, manifests, (digest) => entries.has(blobPath(digest)));

  async function loadManifestTree(digest: string, mediaType: string | undefined): Promise<void> {
    if (manifests.has(digest)) return;
    const entry = entries.get(blobPath(digest));
    if (entry === undefined) throw new BundleError("corrupt", `manifest ${digest} is not in the bundle`);
    if (entry.size > maxManifestBytes) throw new BundleError("corrupt", `manifest ${digest} is larger than 4 MiB`);
    const bytes = await read(entry);
    let parsed: ParsedManifest;
    try {
      parsed = parseManifest(bytes, mediaType);
    } catch (error) {
      throw new BundleError(
        "corrupt",
        `manifest ${digest}: ${error instanceof ManifestError ? error.message : String(error)}`,
      );
    }
    manifests.set(digest, { bytes, parsed });
    for (const child of parsed.manifests) await loadManifestTree(child.digest, child.mediaType);
  }

  function stored(digest: string): TarEntry {
    const entry = entries.get(blobPath(digest));
    if (entry === undefined) throw new BundleError("corrupt", `blob ${digest} is not in the bundle`);
    return entry;
  }

  return {
    path,
    description,
    manifests,
    has: (digest) => entries.has(blobPath(digest)),
    sizeOf: (digest) => entries.get(blobPath(digest))?.size ?? 0,
    open(digest) {
      const entry = stored(digest);
      return entry.size === 0
        ? createReadStream(path, { start: 1, end: 0 })
        : createReadStream(path, {
            start: entry.offset,
            end: entry.offset + entry.size - 1,
            highWaterMark: 256 * 1024,
          });
    },
    writer: (digest) => blobWriter(path, stored(digest), digest),
  };
}

const sendChunk = 1 << 20;

/**
 * Writes `entry`'s bytes into a request: 1 MiB reads into two buffers, each
 * reused once its last write reached the connection (the write's callback),
 * so the next chunk is read while the previous one is sent, and an upload
 * holds 2 MiB however large the blob. Rejects when the connection closes
 * before everything was written.
 */
function blobWriter(path: string, entry: TarEntry, digest: string): BodyWriter {
  return {
    async writeTo(out) {
      let closed = false;
      const { promise: aborted, reject } = Promise.withResolvers<never>();
      aborted.catch(() => undefined);
      const onClose = () => {
        closed = true;
        reject(new BundleError("target", `the connection closed while blob ${digest} was being sent`));
      };
      out.once("close", onClose);
      const file = await open(path, "r");
      const buffers = [Buffer.allocUnsafe(sendChunk), Buffer.allocUnsafe(sendChunk)];
      const sent: (Promise<void> | undefined)[] = [undefined, undefined];
      try {
        for (let at = 0, turn = 0; at < entry.size; turn ^= 1) {
          if (sent[turn] !== undefined) await Promise.race([sent[turn], aborted]);
          if (closed) await aborted;
          const buffer = buffers[turn]!;
          const length = Math.min(sendChunk, entry.size - at);
          const { bytesRead } = await file.read(buffer, 0, length, entry.offset + at);
          if (bytesRead !== length) throw new BundleError("corrupt", `blob ${digest} is cut short`);
          sent[turn] = written(out, buffer.subarray(0, length));
          at += length;
        }
        await Promise.race([Promise.all(sent), aborted]);
      } finally {
        out.off("close", onClose);
        await file.close();
      }
    },
  };
}

/** Resolves when `chunk` was handed to the connection (its buffer may then be reused). */
function written(out: Writable, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    out.write(chunk, (error) => (error ? reject(error) : resolve()));
  });
}

function parseDescription(bytes: Buffer): BundleDescription {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new BundleError("corrupt", "wharf-bundle.json is not valid JSON");
  }
  const parsed = bundleDescriptionSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BundleError("corrupt", `wharf-bundle.json: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return parsed.data;
}

async function verifyBlobs(
  path: string,
  entries: Map<string, TarEntry>,
  description: BundleDescription,
  progress: BundleProgress | undefined,
  workerFromBytes: number,
): Promise<void> {
  const listed = Object.entries(description.blobs);
  progress?.start(
    listed.reduce((sum, [, size]) => sum + size, 0),
    listed.length,
    0,
    0,
  );
  const blobs: LaneBlob[] = [];
  for (const [digest, size] of listed) {
    const entry = entries.get(blobPath(digest));
    if (entry === undefined)
      throw new BundleError("corrupt", `blob ${digest} is listed in wharf-bundle.json but not in the bundle`);
    if (entry.size !== size)
      throw new BundleError("corrupt", `blob ${digest} has ${entry.size} bytes, not the ${size} listed`);
    blobs.push({ digest, offset: entry.offset, size });
  }
  // Two lanes when there are two cores and enough to hash: this thread and a
  // worker, each given about half the bytes (largest blobs first), so the
  // pass takes about half as long; all is verified before anything is pushed.
  const lanes: [LaneBlob[], LaneBlob[]] = [[], []];
  const weight = [0, 0];
  for (const blob of [...blobs].sort((a, b) => b.size - a.size)) {
    const lane = weight[0]! <= weight[1]! ? 0 : 1;
    lanes[lane].push(blob);
    weight[lane]! += blob.size;
  }
  const parallel = availableParallelism() > 1 && weight[1]! >= workerFromBytes;
  const stop = { stopped: false };
  const check = (blob: LaneBlob, actual: string) => {
    if (actual !== blob.digest)
      throw new BundleError("corrupt", `blob ${blob.digest} does not match its digest: the bundle is damaged`);
    progress?.blobDone();
  };
  if (!parallel) {
    await hashLane(path, blobs, progress, check, stop);
  } else {
    const worker = new Worker(workerSource, { eval: true, workerData: { path, blobs: lanes[1], chunk: verifyChunk } });
    const inWorker = new Promise<void>((resolve, reject) => {
      worker.on("message", (message: { advance?: number; index?: number; actual?: string }) => {
        if (message.advance !== undefined) progress?.advance(message.advance);
        if (message.index === undefined) return;
        try {
          check(lanes[1][message.index]!, message.actual!);
        } catch (error) {
          reject(error);
        }
        if (message.index === lanes[1].length - 1) resolve();
      });
      worker.on("error", (error) => reject(new BundleError("corrupt", `${path}: ${error.message}`)));
      worker.on("exit", () => reject(new BundleError("corrupt", `${path} could not be read to its end`)));
    });
    const here = hashLane(path, lanes[0], progress, check, stop);
    // Whichever lane fails first is the answer; the other is stopped, and its own failure ignored.
    here.catch(() => undefined);
    inWorker.catch(() => undefined);
    try {
      await Promise.all([here, inWorker]);
    } finally {
      stop.stopped = true;
      await here.catch(() => undefined);
      await worker.terminate();
    }
  }
  for (const name of entries.keys()) {
    if (name.startsWith("blobs/") && description.blobs[name.slice("blobs/".length).replace("/", ":")] === undefined) {
      throw new BundleError("corrupt", `${name} is in the bundle but not listed in wharf-bundle.json`);
    }
  }
  progress?.finish();
}

interface LaneBlob {
  readonly digest: string;
  readonly offset: number;
  readonly size: number;
}

/** Below this many bytes for the second lane, a worker's start-up costs more than it saves. */
const minWorkerBytes = 64 * 1024 * 1024;

/**
 * Hashes `blobs` in 1 MiB reads through one handle into two reused buffers:
 * the next read runs on the thread pool while this chunk hashes, with flat
 * memory. Calls `check` with each blob's actual digest.
 */
async function hashLane(
  path: string,
  blobs: readonly LaneBlob[],
  progress: BundleProgress | undefined,
  check: (blob: LaneBlob, actual: string) => void,
  stop: { readonly stopped: boolean },
): Promise<void> {
  const reads: { blob: LaneBlob; at: number; length: number }[] = [];
  for (const blob of blobs) {
    if (blob.size === 0) check(blob, emptyDigest);
    for (let at = 0; at < blob.size; at += verifyChunk)
      reads.push({ blob, at, length: Math.min(verifyChunk, blob.size - at) });
  }
  const file = await open(path, "r");
  const buffers = [Buffer.allocUnsafe(verifyChunk), Buffer.allocUnsafe(verifyChunk)];
  const readAt = (i: number) => {
    const { blob, at, length } = reads[i]!;
    return file.read(buffers[i % 2]!, 0, length, blob.offset + at);
  };
  let pending = reads.length > 0 ? readAt(0) : undefined;
  try {
    let hash = createHash("sha256");
    for (let i = 0; i < reads.length && !stop.stopped; i++) {
      const { blob, at, length } = reads[i]!;
      const { bytesRead } = await pending!;
      pending = i + 1 < reads.length ? readAt(i + 1) : undefined;
      if (bytesRead !== length) throw new BundleError("corrupt", `blob ${blob.digest} is cut short`);
      if (at === 0) hash = createHash("sha256");
      hash.update(buffers[i % 2]!.subarray(0, bytesRead));
      progress?.advance(bytesRead);
      if (at + length === blob.size) check(blob, `sha256:${hash.digest("hex")}`);
    }
  } finally {
    // A read still in flight after a refusal must finish before the handle closes.
    await pending?.catch(() => undefined);
    await file.close();
  }
}

/** The second lane (plain JavaScript, so it runs from src/ and dist/ alike): synchronous reads are fine off the main thread. */
const workerSource = `
const { parentPort, workerData } = require("node:worker_threads");
const { openSync, readSync, closeSync } = require("node:fs");
const { createHash } = require("node:crypto");
const { path, blobs, chunk } = workerData;
const fd = openSync(path, "r");
const buffer = Buffer.allocUnsafe(chunk);
try {
  blobs.forEach((blob, index) => {
    const hash = createHash("sha256");
    for (let done = 0; done < blob.size; ) {
      const read = readSync(fd, buffer, 0, Math.min(chunk, blob.size - done), blob.offset + done);
      if (read === 0) throw new Error("cut short");
      hash.update(buffer.subarray(0, read));
      done += read;
      parentPort.postMessage({ advance: read });
    }
    parentPort.postMessage({ index, actual: "sha256:" + hash.digest("hex") });
  });
} finally {
  closeSync(fd);
}
`;

function checkComplete(
  description: BundleDescription,
  manifests: ReadonlyMap<string, { parsed: ParsedManifest }>,
  has: (digest: string) => boolean,
): void {
  const base = new Set(description.deltaOf?.blobs ?? []);
  for (const [digest, { parsed }] of manifests) {
    const needed = [...(parsed.config ? [parsed.config] : []), ...parsed.layers.filter((l) => !l.urls?.length)];
    for (const blob of needed) {
      if (!has(blob.digest) && !base.has(blob.digest)) {
        throw new BundleError(
          "corrupt",
          `manifest ${digest} needs blob ${blob.digest}, which is neither in the bundle nor in its base`,
        );
      }
    }
  }
}
