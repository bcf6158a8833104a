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
import type { Readable } from "node:stream";
import { ManifestError } from "../oci/manifest-error.ts";
import { type ParsedManifest, parseManifest } from "../oci/parse-manifest.ts";
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
}

const maxDescriptionBytes = 64 * 1024 * 1024;
const maxManifestBytes = 4 * 1024 * 1024;

/** Opens and verifies `path`; throws BundleError `corrupt` (or `usage` for a file that is not a bundle). */
export async function openBundle(path: string, progress?: BundleProgress): Promise<OpenedBundle> {
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
  await verifyBlobs(path, entries, description, progress);
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

  return {
    path,
    description,
    manifests,
    has: (digest) => entries.has(blobPath(digest)),
    sizeOf: (digest) => entries.get(blobPath(digest))?.size ?? 0,
    open(digest) {
      const entry = entries.get(blobPath(digest));
      if (entry === undefined) throw new BundleError("corrupt", `blob ${digest} is not in the bundle`);
      return entry.size === 0
        ? createReadStream(path, { start: 1, end: 0 })
        : createReadStream(path, {
            start: entry.offset,
            end: entry.offset + entry.size - 1,
            highWaterMark: 256 * 1024,
          });
    },
  };
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
): Promise<void> {
  const listed = Object.entries(description.blobs);
  progress?.start(
    listed.reduce((sum, [, size]) => sum + size, 0),
    listed.length,
    0,
    0,
  );
  // One handle and one reused buffer for every blob: flat memory, no garbage per chunk.
  const file = await open(path, "r");
  const buffer = Buffer.allocUnsafe(1 << 20);
  try {
    for (const [digest, size] of listed) {
      const entry = entries.get(blobPath(digest));
      if (entry === undefined)
        throw new BundleError("corrupt", `blob ${digest} is listed in wharf-bundle.json but not in the bundle`);
      if (entry.size !== size)
        throw new BundleError("corrupt", `blob ${digest} has ${entry.size} bytes, not the ${size} listed`);
      const hash = createHash("sha256");
      for (let done = 0; done < size; ) {
        const { bytesRead } = await file.read(buffer, 0, Math.min(buffer.length, size - done), entry.offset + done);
        if (bytesRead === 0) throw new BundleError("corrupt", `blob ${digest} is cut short`);
        hash.update(buffer.subarray(0, bytesRead));
        done += bytesRead;
        progress?.advance(bytesRead);
      }
      if (`sha256:${hash.digest("hex")}` !== digest)
        throw new BundleError("corrupt", `blob ${digest} does not match its digest: the bundle is damaged`);
      progress?.blobDone();
    }
  } finally {
    await file.close();
  }
  for (const name of entries.keys()) {
    if (name.startsWith("blobs/") && description.blobs[name.slice("blobs/".length).replace("/", ":")] === undefined) {
      throw new BundleError("corrupt", `${name} is in the bundle but not listed in wharf-bundle.json`);
    }
  }
  progress?.finish();
}

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
