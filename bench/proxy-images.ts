/**
 * @module
 * The images of the proxy benchmark and what a pull of one is: an OCI image
 * manifest with a small config and one large random layer, pushed with the
 * benchmark's client (monolithic uploads), and pulled as a client pulls it —
 * the manifest by tag, then the config and the layer at once, bodies counted
 * and discarded.
 */
import { randomBytes } from "node:crypto";
import { type Client, expectStatus, send } from "./client.ts";
import { sha256 } from "./fixtures.ts";
import { OCI_MANIFEST, pullBlob, pushMonolithic, putManifest } from "./registry-ops.ts";

/** One image: its manifest bytes and the blobs it names. */
export interface BenchImage {
  readonly manifest: Buffer;
  readonly blobs: readonly { readonly digest: string; readonly size: number; readonly bytes: Buffer }[];
}

/** Makes an image whose layer is `layerSize` random bytes (`label` makes the config distinct). */
export function makeImage(label: string, layerSize: number): BenchImage {
  const config = Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", config: { Labels: { label } } }));
  const layer = randomBytes(layerSize);
  const blobs = [config, layer].map((bytes) => ({ digest: sha256(bytes), size: bytes.length, bytes }));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: blobs[0]!.digest, size: config.length },
      layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", digest: blobs[1]!.digest, size: layer.length }],
    }),
  );
  return { manifest, blobs };
}

/** Pushes `image` to `repo` under `tag`. */
export async function pushImage(client: Client, repo: string, tag: string, image: BenchImage): Promise<void> {
  for (const blob of image.blobs) {
    await pushMonolithic(client, repo, { digest: blob.digest, size: blob.size, open: () => blob.bytes });
  }
  await putManifest(client, repo, tag, image.manifest);
}

/** Pulls `repo:tag` (manifest, then every blob concurrently); returns the bytes received. */
export async function pullImage(client: Client, repo: string, tag: string): Promise<number> {
  const reply = await send(client, {
    method: "GET",
    target: `/v2/${repo}/manifests/${tag}`,
    headers: { accept: OCI_MANIFEST },
  });
  expectStatus(reply, 200, `GET manifest ${repo}:${tag}`);
  const manifest = JSON.parse(reply.body.toString("utf8")) as {
    config: { digest: string; size: number };
    layers: { digest: string; size: number }[];
  };
  const sizes = await Promise.all(
    [manifest.config, ...manifest.layers].map((blob) => pullBlob(client, repo, blob.digest, blob.size)),
  );
  return reply.body.length + sizes.reduce((sum, size) => sum + size, 0);
}
