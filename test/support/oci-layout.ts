/**
 * @module
 * Builds real OCI image layouts on disk for client tests (skopeo, podman):
 * gzip'd tar layers written by a minimal ustar writer, image configs whose
 * `rootfs.diff_ids` match the uncompressed layers, image manifests, image
 * indexes, and the layout's `oci-layout` / `index.json` / `blobs/sha256/…`
 * files. Also reads a layout back, so a test can compare two layouts blob by
 * blob. Everything is deterministic: the same inputs give the same digests.
 */
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

/** OCI media types used by the builders. */
export const mediaTypes = {
  manifest: "application/vnd.oci.image.manifest.v1+json",
  index: "application/vnd.oci.image.index.v1+json",
  config: "application/vnd.oci.image.config.v1+json",
  layer: "application/vnd.oci.image.layer.v1.tar+gzip",
} as const;

/** A content descriptor. */
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly platform?: { readonly architecture: string; readonly os: string };
  readonly annotations?: Readonly<Record<string, string>>;
}

/** Bytes with their digest, ready to be written as a layout blob. */
export interface Blob {
  readonly digest: string;
  readonly bytes: Buffer;
}

/** A file to put in a layer tar. */
export interface TarEntry {
  readonly name: string;
  readonly content: Uint8Array | string;
  readonly mode?: number;
}

/** A built image: its manifest blob, config blob and layer blobs. */
export interface BuiltImage {
  readonly manifest: Blob;
  readonly descriptor: Descriptor;
  readonly config: Blob;
  readonly layers: readonly Blob[];
  /** The layers' uncompressed digests, in order. */
  readonly diffIds: readonly string[];
}

/** A built index: its own blob plus every child image. */
export interface BuiltIndex {
  readonly index: Blob;
  readonly descriptor: Descriptor;
  readonly images: readonly BuiltImage[];
}

/** The sha256 digest of `bytes`. */
export function digestOf(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

function blob(bytes: Buffer): Blob {
  return { digest: digestOf(bytes), bytes };
}

function writeField(header: Buffer, offset: number, length: number, value: string): void {
  header.write(value.slice(0, length), offset, length, "utf8");
}

function octal(value: number, length: number): string {
  return `${value.toString(8).padStart(length - 1, "0")}\0`;
}

/** A ustar archive of regular files (fixed owner and time, so it is reproducible). */
export function tarArchive(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const content = Buffer.from(entry.content);
    if (Buffer.byteLength(entry.name) > 100) throw new Error(`tar name too long: ${entry.name}`);
    const header = Buffer.alloc(512);
    writeField(header, 0, 100, entry.name);
    writeField(header, 100, 8, octal(entry.mode ?? 0o644, 8));
    writeField(header, 108, 8, octal(0, 8));
    writeField(header, 116, 8, octal(0, 8));
    writeField(header, 124, 12, octal(content.length, 12));
    writeField(header, 136, 12, octal(1_700_000_000, 12));
    writeField(header, 148, 8, "        ");
    writeField(header, 156, 1, "0");
    writeField(header, 257, 6, "ustar\0");
    writeField(header, 263, 2, "00");
    writeField(header, 265, 32, "root");
    writeField(header, 297, 32, "root");
    let sum = 0;
    for (const byte of header) sum += byte;
    writeField(header, 148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
    parts.push(header, content, Buffer.alloc((512 - (content.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** Pseudo-random but reproducible bytes (so layers do not compress to nothing). */
export function seededBytes(seed: string, length: number): Buffer {
  const out = Buffer.alloc(length);
  let block = createHash("sha256").update(seed).digest();
  for (let at = 0; at < length; at += block.length) {
    block.copy(out, at);
    block = createHash("sha256").update(block).digest();
  }
  return out;
}

/** A gzip'd tar layer and its uncompressed digest. */
export function buildLayer(entries: readonly TarEntry[]): { layer: Blob; diffId: string } {
  const tar = tarArchive(entries);
  return { layer: blob(gzipSync(tar, { level: 6 })), diffId: digestOf(tar) };
}

/** An image for one platform over the given layers' files. */
export function buildImage(options: {
  readonly architecture: string;
  readonly os?: string;
  readonly layers: readonly (readonly TarEntry[])[];
  readonly labels?: Readonly<Record<string, string>>;
}): BuiltImage {
  const os = options.os ?? "linux";
  const built = options.layers.map(buildLayer);
  const diffIds = built.map((b) => b.diffId);
  const config = blob(
    Buffer.from(
      JSON.stringify({
        created: "2024-01-01T00:00:00Z",
        architecture: options.architecture,
        os,
        config: {
          Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
          Cmd: ["/bin/sh"],
          Labels: options.labels ?? {},
        },
        rootfs: { type: "layers", diff_ids: diffIds },
        history: diffIds.map((_, n) => ({
          created: "2024-01-01T00:00:00Z",
          created_by: `layer ${n}`,
        })),
      }),
    ),
  );
  const layers = built.map((b) => b.layer);
  const manifest = blob(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: mediaTypes.manifest,
        config: { mediaType: mediaTypes.config, digest: config.digest, size: config.bytes.length },
        layers: layers.map((layer) => ({
          mediaType: mediaTypes.layer,
          digest: layer.digest,
          size: layer.bytes.length,
        })),
      }),
    ),
  );
  return {
    manifest,
    descriptor: {
      mediaType: mediaTypes.manifest,
      digest: manifest.digest,
      size: manifest.bytes.length,
      platform: { architecture: options.architecture, os },
    },
    config,
    layers,
    diffIds,
  };
}

/** An image index over the given images (each with its platform). */
export function buildIndex(images: readonly BuiltImage[]): BuiltIndex {
  const index = blob(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: mediaTypes.index,
        manifests: images.map((image) => image.descriptor),
      }),
    ),
  );
  return {
    index,
    descriptor: { mediaType: mediaTypes.index, digest: index.digest, size: index.bytes.length },
    images,
  };
}

/** Every blob an image or index consists of (manifests included). */
export function blobsOf(item: BuiltImage | BuiltIndex): Blob[] {
  if ("index" in item) return [item.index, ...item.images.flatMap((image) => blobsOf(image))];
  return [item.manifest, item.config, ...item.layers];
}

/** Writes an OCI layout holding each item under its tag (`org.opencontainers.image.ref.name`). */
export async function writeOciLayout(
  dir: string,
  tagged: readonly { readonly tag: string; readonly item: BuiltImage | BuiltIndex }[],
): Promise<void> {
  await mkdir(join(dir, "blobs", "sha256"), { recursive: true });
  await writeFile(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  for (const { item } of tagged) {
    for (const b of blobsOf(item)) {
      await writeFile(join(dir, "blobs", "sha256", b.digest.slice("sha256:".length)), b.bytes);
    }
  }
  const manifests = tagged.map(({ tag, item }) => {
    const { platform: _platform, ...plain } = item.descriptor;
    return { ...plain, annotations: { "org.opencontainers.image.ref.name": tag } };
  });
  await writeFile(join(dir, "index.json"), JSON.stringify({ schemaVersion: 2, manifests }));
}

/** What a layout on disk holds: its index.json and every blob by digest. */
export interface LayoutContents {
  readonly index: { manifests: Descriptor[] };
  readonly blobs: ReadonlyMap<string, Buffer>;
}

/** Reads a layout written by anyone (skopeo included). */
export async function readOciLayout(dir: string): Promise<LayoutContents> {
  const index = JSON.parse(await readFile(join(dir, "index.json"), "utf8")) as {
    manifests: Descriptor[];
  };
  const blobs = new Map<string, Buffer>();
  for (const name of await readdir(join(dir, "blobs", "sha256"))) {
    blobs.set(`sha256:${name}`, await readFile(join(dir, "blobs", "sha256", name)));
  }
  return { index, blobs };
}

/** The descriptor tagged `tag` in a layout's index.json, if any. */
export function taggedDescriptor(contents: LayoutContents, tag: string): Descriptor | undefined {
  return contents.index.manifests.find((d) => d.annotations?.["org.opencontainers.image.ref.name"] === tag);
}
