/**
 * @module
 * The registry operations the workloads are made of, as the Distribution spec
 * defines them: blob upload (POST then PUT, or POST, PATCH chunks, PUT), blob
 * GET, manifest PUT and GET. Each throws on an unexpected status.
 */
import { createReadStream } from "node:fs";
import { type Body, type Client, expectStatus, type Reply, send } from "./client.ts";

export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const OCTET_STREAM = "application/octet-stream";

/** Bytes to push: a digest computed in advance, a size and a way to stream them. */
export interface BlobSource {
  readonly digest: string;
  readonly size: number;
  open(): Body;
}

/** A blob stored in a file, so that ranges of it can be streamed as chunks. */
export interface FileBlob extends BlobSource {
  readonly path: string;
}

const READ_CHUNK = 1024 * 1024;

/** `POST /v2/<repo>/blobs/uploads/`; returns the upload's Location. */
export async function startUpload(client: Client, repo: string): Promise<string> {
  const reply = await send(client, {
    method: "POST",
    target: `/v2/${repo}/blobs/uploads/`,
    headers: { "content-length": "0" },
  });
  return locationOf(expectStatus(reply, 202, `POST /v2/${repo}/blobs/uploads/`));
}

function locationOf(reply: Reply): string {
  const location = reply.headers.location;
  if (!location) throw new Error(`HTTP ${reply.status} without a Location header`);
  return location;
}

function withDigest(location: string, digest: string): string {
  return `${location}${location.includes("?") ? "&" : "?"}digest=${encodeURIComponent(digest)}`;
}

/** Monolithic push: POST, then PUT `?digest=` with the whole body. */
export async function pushMonolithic(client: Client, repo: string, blob: BlobSource) {
  const location = await startUpload(client, repo);
  const reply = await send(client, {
    method: "PUT",
    target: withDigest(location, blob.digest),
    headers: { "content-type": OCTET_STREAM, "content-length": String(blob.size) },
    body: blob.open(),
  });
  expectStatus(reply, 201, `PUT ${blob.size}-byte blob`);
}

/** Chunked push: POST, one PATCH per `chunkSize` bytes (Content-Range), then PUT `?digest=`. */
export async function pushChunked(client: Client, repo: string, blob: FileBlob, chunkSize: number) {
  let location = await startUpload(client, repo);
  for (let start = 0; start < blob.size; start += chunkSize) {
    const end = Math.min(start + chunkSize, blob.size) - 1;
    const reply = await send(client, {
      method: "PATCH",
      target: location,
      headers: {
        "content-type": OCTET_STREAM,
        "content-range": `${start}-${end}`,
        "content-length": String(end - start + 1),
      },
      body: createReadStream(blob.path, { start, end, highWaterMark: READ_CHUNK }),
    });
    location = locationOf(expectStatus(reply, 202, `PATCH ${start}-${end}`));
  }
  const reply = await send(client, {
    method: "PUT",
    target: withDigest(location, blob.digest),
    headers: { "content-length": "0" },
  });
  expectStatus(reply, 201, "PUT closing the chunked upload");
}

/** `GET /v2/<repo>/blobs/<digest>`, body counted and discarded; returns the byte count. */
export async function pullBlob(client: Client, repo: string, digest: string, size: number) {
  const reply = await send(client, {
    method: "GET",
    target: `/v2/${repo}/blobs/${digest}`,
    discard: true,
  });
  expectStatus(reply, 200, `GET blob ${digest.slice(0, 19)}`);
  if (reply.bytes !== size) throw new Error(`GET blob: got ${reply.bytes} bytes, want ${size}`);
  return reply.bytes;
}

/** `PUT /v2/<repo>/manifests/<reference>` with an OCI image manifest. */
export async function putManifest(client: Client, repo: string, reference: string, body: Buffer) {
  const reply = await send(client, {
    method: "PUT",
    target: `/v2/${repo}/manifests/${reference}`,
    headers: { "content-type": OCI_MANIFEST, "content-length": String(body.length) },
    body,
  });
  expectStatus(reply, 201, `PUT manifest ${reference}`);
}

/** `GET /v2/<repo>/manifests/<reference>` accepting an OCI manifest; returns its bytes. */
export async function getManifest(client: Client, repo: string, reference: string) {
  const reply = await send(client, {
    method: "GET",
    target: `/v2/${repo}/manifests/${reference}`,
    headers: { accept: OCI_MANIFEST },
  });
  expectStatus(reply, 200, `GET manifest ${reference}`);
  return reply.body.length;
}
