/**
 * @module
 * Downloads a blob as a stream that checks its digest on the way through,
 * so that a layer of any size passes through the proxy or into a bundle
 * with flat memory and is never accepted unverified.
 */
import type { Readable } from "node:stream";
import { type Digest, tryParseDigest } from "../digest/digest.ts";
import type { BodySink, BodyTap } from "./bulk-exchange.ts";
import { tapVerified, verifyDigestStream } from "./digest-verifying-stream.ts";
import { failed, type RegistryResult, success } from "./registry-result.ts";
import type { RegistryTransport } from "./registry-transport.ts";
import { type RepositoryRef, repositoryAddress } from "./repository-address.ts";
import { describeRequest } from "./send-request.ts";

/** A blob being downloaded. */
export interface BlobDownload {
  readonly digest: string;
  /** The announced size (Content-Length), when the registry sent one. */
  readonly size?: number;
  /**
   * The bytes. Ends normally only when they match `digest` (and `size`);
   * otherwise errors with a BlobStreamError whose `failure` has kind
   * `protocol` (mismatch) or `unreachable`/`tls` (connection lost). The
   * caller must consume or destroy it, or {@link tap} the download instead.
   */
  readonly stream: Readable;
  /**
   * The same bytes and the same check without a stream per chunk: `sink`
   * gets views of a reused buffer (copy them before returning), then `end`
   * or `error` with the BlobStreamError `stream` would fail with. Use
   * instead of `stream`, never both.
   */
  tap(sink: BodySink): BodyTap;
}

/**
 * GETs blob `digest` from `repo`, following redirects to object stores
 * (without the registry's credentials). Fails before streaming with the
 * usual kinds (`not-found` for an unknown blob, `protocol` for an invalid
 * digest). Asks for `identity` encoding so no layer is recompressed in transit.
 */
export function getBlob(
  transport: RegistryTransport,
  repo: RepositoryRef,
  digest: string,
): Promise<RegistryResult<BlobDownload>> {
  const parsed = tryParseDigest(digest);
  if (parsed === undefined) return Promise.resolve(failed("protocol", `invalid blob digest`));
  return downloadBlob(transport, repo, parsed, parsed);
}

/**
 * Downloads `requested` and verifies the bytes against `expected`. Only
 * tests pass two different digests: it is how the mismatch path is shown
 * to work on a real registry's response.
 */
export async function downloadBlob(
  transport: RegistryTransport,
  repo: RepositoryRef,
  requested: Digest,
  expected: Digest,
): Promise<RegistryResult<BlobDownload>> {
  const { host, base, scope } = repositoryAddress(repo);
  const path = `${base}/blobs/${requested.value}`;
  const headers = { "accept-encoding": "identity" };
  const sent = await transport.send({ host, method: "GET", path, scope, headers, bulk: true });
  if (!sent.ok) return sent;
  const length = sent.value.headers["content-length"];
  const size = length === undefined ? undefined : Number(length);
  const known = size !== undefined && Number.isSafeInteger(size) && size >= 0 ? size : undefined;
  const what = describeRequest("GET", sent.value.url);
  return success(verifiedDownload(sent.value.body, expected, known, what));
}

/**
 * A download of `body` checked against `expected` (and `size` when known),
 * read through `stream` or `tap`, whichever the caller uses first. `what`
 * names the source in messages.
 */
export function verifiedDownload(
  body: Readable,
  expected: Digest,
  size: number | undefined,
  what: string,
): BlobDownload {
  let stream: Readable | undefined;
  return {
    digest: expected.value,
    ...(size !== undefined && { size }),
    get stream() {
      stream ??= verifyDigestStream(body, expected, size, what);
      return stream;
    },
    tap: (sink) => tapVerified(body, expected, size, what, sink),
  };
}
