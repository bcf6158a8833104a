/**
 * @module
 * Pushes a small multi-platform image into a test registry with plain HTTP
 * requests (the monolithic upload of the distribution spec), so the
 * registry client's tests read content a real registry stored and serves.
 */
import { digestOf } from "../../digest/digest.ts";
import { mediaTypes } from "../../oci/media-types.ts";

/** Content pushed into the registry: its bytes and digest. */
export interface Pushed {
  readonly bytes: Uint8Array;
  readonly digest: string;
}

/** The image {@link pushTestImage} pushes. */
export interface TestImage {
  readonly repo: string;
  readonly layer: Pushed;
  readonly amd64: Pushed;
  readonly arm64: Pushed;
  readonly index: Pushed;
}

/** Where to push, and the Authorization header to push with. */
export interface PushTarget {
  readonly host: string;
  readonly authorization?: string;
}

const encoder = new TextEncoder();

/**
 * Pushes to `repo`: one layer, two configs, an OCI manifest per platform
 * (linux/amd64 tagged `amd64`, linux/arm64 tagged `arm64`) and an OCI index
 * of both tagged `multi`, then `extraTags` pointing at the amd64 manifest.
 */
export async function pushTestImage(
  target: PushTarget,
  repo: string,
  extraTags: readonly string[] = [],
): Promise<TestImage> {
  const layer = await pushBlob(target, repo, encoder.encode(`layer of ${repo}\n`.repeat(500)));
  const amd64 = await pushPlatform(target, repo, layer, "amd64");
  const arm64 = await pushPlatform(target, repo, layer, "arm64");
  const index = json({
    schemaVersion: 2,
    mediaType: mediaTypes.ociIndex,
    manifests: [amd64, arm64].map((pushed, i) => ({
      mediaType: mediaTypes.ociManifest,
      digest: pushed.digest,
      size: pushed.bytes.length,
      platform: { architecture: i === 0 ? "amd64" : "arm64", os: "linux" },
    })),
  });
  await pushManifest(target, repo, "multi", index, mediaTypes.ociIndex);
  for (const tag of extraTags) await pushManifest(target, repo, tag, amd64.bytes, mediaTypes.ociManifest);
  return { repo, layer, amd64, arm64, index: { bytes: index, digest: digestOf(index) } };
}

async function pushPlatform(target: PushTarget, repo: string, layer: Pushed, architecture: string) {
  const config = await pushBlob(
    target,
    repo,
    json({ architecture, os: "linux", rootfs: { type: "layers", diff_ids: [] } }),
  );
  const manifest = json({
    schemaVersion: 2,
    mediaType: mediaTypes.ociManifest,
    config: { mediaType: mediaTypes.ociConfig, digest: config.digest, size: config.bytes.length },
    layers: [{ mediaType: mediaTypes.ociLayerGzip, digest: layer.digest, size: layer.bytes.length }],
  });
  await pushManifest(target, repo, architecture, manifest, mediaTypes.ociManifest);
  return { bytes: manifest, digest: digestOf(manifest) };
}

/** Uploads `bytes` as a blob of `repo` (POST then PUT with the digest). */
export async function pushBlob(target: PushTarget, repo: string, bytes: Uint8Array): Promise<Pushed> {
  const digest = digestOf(bytes);
  const base = `http://${target.host}/v2/${repo}/blobs/uploads/`;
  const started = await fetch(base, { method: "POST", headers: headers(target) });
  await expectStatus(started, 202, `start upload to ${repo}`);
  const location = new URL(started.headers.get("location")!, base);
  location.searchParams.set("digest", digest);
  const done = await fetch(location, {
    method: "PUT",
    headers: { ...headers(target), "content-type": "application/octet-stream" },
    body: bytes,
  });
  await expectStatus(done, 201, `finish upload of ${digest}`);
  return { bytes, digest };
}

/** Puts a manifest under `reference` (a tag or its digest). */
export async function pushManifest(
  target: PushTarget,
  repo: string,
  reference: string,
  bytes: Uint8Array,
  mediaType: string,
): Promise<void> {
  const response = await fetch(`http://${target.host}/v2/${repo}/manifests/${reference}`, {
    method: "PUT",
    headers: { ...headers(target), "content-type": mediaType },
    body: bytes,
  });
  await expectStatus(response, 201, `push manifest ${repo}:${reference}`);
}

function headers(target: PushTarget): Record<string, string> {
  return target.authorization === undefined ? {} : { authorization: target.authorization };
}

function json(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

async function expectStatus(response: Response, status: number, what: string): Promise<void> {
  if (response.status === status) {
    await response.arrayBuffer();
    return;
  }
  throw new Error(`${what}: HTTP ${response.status} ${await response.text()}`);
}
