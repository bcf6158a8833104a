/**
 * @module
 * Small helpers that push and read through the real HTTP API in tests.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";

/** The sha256 digest of `data`. */
export function sha256(data: Uint8Array | string): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

/** Pushes a blob monolithically (POST ?digest=) and returns its digest. */
export async function pushBlob(base: string, name: string, data: Uint8Array | string): Promise<string> {
  const digest = sha256(data);
  const res = await fetch(`${base}/v2/${name}/blobs/uploads/?digest=${digest}`, {
    method: "POST",
    body: data,
  });
  assert.equal(res.status, 201, await res.text());
  return digest;
}

/** A minimal OCI image manifest over pushed blobs; returns body and digest. */
export async function pushImage(
  base: string,
  name: string,
  tag: string,
  extra: Record<string, unknown> = {},
): Promise<{ digest: string; body: string; config: string; layer: string }> {
  const config = await pushBlob(base, name, JSON.stringify({ architecture: "amd64", os: "linux", tag }));
  const layerData = `layer of ${name}:${tag}`;
  const layer = await pushBlob(base, name, layerData);
  const body = JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: {
      mediaType: "application/vnd.oci.image.config.v1+json",
      digest: config,
      size: JSON.stringify({ architecture: "amd64", os: "linux", tag }).length,
    },
    layers: [
      {
        mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
        digest: layer,
        size: Buffer.byteLength(layerData),
      },
    ],
    ...extra,
  });
  const res = await fetch(`${base}/v2/${name}/manifests/${tag}`, {
    method: "PUT",
    headers: { "content-type": "application/vnd.oci.image.manifest.v1+json" },
    body,
  });
  assert.equal(res.status, 201, await res.text());
  return { digest: sha256(body), body, config, layer };
}

/** The first error code of an OCI error envelope. */
export async function errorCode(res: Response): Promise<string> {
  const body = (await res.json()) as { errors: { code: string }[] };
  return body.errors[0]!.code;
}
