/**
 * @module
 * Uploads a blob into a repository: skipped when the repository has it,
 * mounted from another repository of the same registry when one is named
 * (no bytes sent), otherwise one POST that opens an upload session and one
 * PUT that streams the whole blob and closes it — the monolithic upload
 * every registry supports. The body is a function so the bytes can be sent
 * again after an authentication challenge.
 */
import type { Readable } from "node:stream";
import { failed, type RegistryResult, success } from "./registry-result.ts";
import type { RegistryTransport } from "./registry-transport.ts";
import { type RepositoryRef, repositoryAddress } from "./repository-address.ts";
import { type BodyWriter, headerValue } from "./send-request.ts";

/** What the push did: `exists` (nothing sent), `mounted` (from another repository) or `uploaded`. */
export type BlobPushOutcome = "exists" | "mounted" | "uploaded";

/** A blob to push. */
export interface BlobToPush {
  readonly digest: string;
  readonly size: number;
  /** A fresh stream (or writer) of the blob's bytes, each time it is called. */
  readonly open: () => Readable | BodyWriter;
  /** A repository path on the same registry that may already hold it (mount source). */
  readonly mountFrom?: string;
}

/** The push scope of a repository: `repository:<path>:pull,push`. */
export function pushScope(repo: RepositoryRef): string {
  return `repository:${repo.path}:pull,push`;
}

/**
 * Pushes `blob` into `repo`. HEADs first (`exists`), then tries a mount
 * when `mountFrom` is set (a registry that cannot mount answers 202 with a
 * session, which is then used for the upload), then uploads. Fails with the
 * usual kinds; `protocol` when an upload Location points at another host.
 */
export async function pushBlob(
  transport: RegistryTransport,
  repo: RepositoryRef,
  blob: BlobToPush,
): Promise<RegistryResult<BlobPushOutcome>> {
  const { host, base } = repositoryAddress(repo);
  const scope = pushScope(repo);
  const head = await transport.send({ host, method: "HEAD", path: `${base}/blobs/${blob.digest}`, scope });
  if (head.ok) {
    head.value.body.resume();
    return success("exists");
  }
  if (head.failure.kind !== "not-found") return head;
  const query =
    blob.mountFrom === undefined
      ? ""
      : `?mount=${encodeURIComponent(blob.digest)}&from=${encodeURIComponent(blob.mountFrom)}`;
  const opened = await transport.send({
    host,
    method: "POST",
    path: `${base}/blobs/uploads/${query}`,
    scope,
    body: "",
  });
  if (!opened.ok) return opened;
  opened.value.body.resume();
  if (opened.value.status === 201) return success("mounted");
  const location = uploadLocation(transport, host, headerValue(opened.value.headers.location));
  if (location === undefined) return failed("protocol", `the upload session of ${host}${base} has no usable Location`);
  const separator = location.includes("?") ? "&" : "?";
  const put = await transport.send({
    host,
    method: "PUT",
    path: `${location}${separator}digest=${encodeURIComponent(blob.digest)}`,
    scope,
    headers: { "content-type": "application/octet-stream", "content-length": String(blob.size) },
    body: blob.open,
  });
  if (!put.ok) return put;
  put.value.body.resume();
  return success("uploaded");
}

/** The path (with query) of an upload Location on `host`, or undefined when it is elsewhere or malformed. */
function uploadLocation(transport: RegistryTransport, host: string, location: string | undefined): string | undefined {
  if (location === undefined) return undefined;
  try {
    const origin = transport.urlFor(host, "/");
    const url = new URL(location, origin);
    return url.host === origin.host ? `${url.pathname}${url.search}` : undefined;
  } catch {
    return undefined;
  }
}
