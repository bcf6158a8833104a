/**
 * @module
 * Asks what a tag points at without downloading the manifest — the cheap
 * question the rewriter and the proxy ask most ("what is `app:1.0` now?"),
 * and the one Docker Hub does not count against its pull limit.
 */

import { tryParseDigest } from "../digest/digest.ts";
import type { ImageReference } from "../reference/image-reference.ts";
import { defaultManifestAccept, getManifest } from "./get-manifest.ts";
import { manifestTarget, mediaTypeEssence } from "./manifest-target.ts";
import { failed, type RegistryResult, success } from "./registry-result.ts";
import type { RegistryTransport } from "./registry-transport.ts";
import { describeRequest, headerValue } from "./send-request.ts";

/** What a manifest HEAD tells: the digest, media type and size in bytes. */
export interface ManifestHead {
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
}

/**
 * HEADs the manifest of `ref` with the default Accept list. When the
 * registry leaves out `Docker-Content-Digest` on a by-tag HEAD, or the
 * Content-Type or Content-Length, falls back to a GET (see getManifest) so
 * the answer is always complete and verified. A by-digest HEAD whose
 * header names another digest fails with `protocol`.
 */
export async function headManifest(
  transport: RegistryTransport,
  ref: ImageReference,
): Promise<RegistryResult<ManifestHead>> {
  const target = manifestTarget(ref);
  if (!target.ok) return target;
  const { host, scope, path, pinned } = target.value;
  const accept = defaultManifestAccept.join(", ");
  const sent = await transport.send({ host, method: "HEAD", path, scope, headers: { accept } });
  if (!sent.ok) return sent;
  sent.value.body.resume();
  const headers = sent.value.headers;
  const claimed = tryParseDigest(headerValue(headers["docker-content-digest"])?.trim() ?? "");
  const sameAlgorithm = claimed?.algorithm === pinned?.algorithm;
  if (pinned !== undefined && claimed !== undefined && sameAlgorithm && claimed.value !== pinned.value) {
    const what = describeRequest("HEAD", transport.urlFor(host, path));
    return failed("protocol", `${what}: Docker-Content-Digest is ${claimed.value}, not the requested ${pinned.value}`);
  }
  const digest = pinned?.value ?? claimed?.value;
  const mediaType = mediaTypeEssence(headers["content-type"]);
  const size = Number(headers["content-length"] ?? Number.NaN);
  const complete = mediaType !== undefined && mediaType !== "application/json";
  if (digest !== undefined && complete && Number.isSafeInteger(size) && size >= 0) {
    return success({ digest, mediaType, size });
  }
  const fetched = await getManifest(transport, ref);
  if (!fetched.ok) return fetched;
  const { digest: fetchedDigest, mediaType: fetchedType, bytes } = fetched.value;
  return success({ digest: fetchedDigest, mediaType: fetchedType, size: bytes.length });
}
