/**
 * @module
 * Fetches a manifest's exact bytes. The bytes, not a parsed object, are
 * the result: the proxy must serve them unchanged and the bundler must
 * store them unchanged, or their digest — the image's identity — changes.
 */

import { mediaTypes } from "../oci/media-types.ts";
import type { ImageReference } from "../reference/image-reference.ts";
import { checkManifestDigest, manifestTarget, mediaTypeEssence } from "./manifest-target.ts";
import { maxManifestBytes, readBody } from "./read-body.ts";
import { failed, type RegistryResult, success } from "./registry-result.ts";
import type { RegistryTransport } from "./registry-transport.ts";
import { describeRequest, headerValue } from "./send-request.ts";

/** A fetched manifest: its bytes as served, its media type and its verified digest. */
export interface FetchedManifest {
  readonly bytes: Uint8Array;
  readonly mediaType: string;
  readonly digest: string;
}

/** Options for {@link getManifest}. */
export interface GetManifestOptions {
  /** Media types to accept, most wanted first; defaults to {@link defaultManifestAccept}. */
  readonly accept?: readonly string[];
}

/** The four manifest formats Wharf handles: OCI manifest and index, Docker manifest and list. */
export const defaultManifestAccept: readonly string[] = [
  mediaTypes.ociManifest,
  mediaTypes.ociIndex,
  mediaTypes.dockerManifest,
  mediaTypes.dockerManifestList,
];

/** Content types that say nothing about the manifest format. */
const genericTypes = new Set(["application/json", "text/plain", "application/octet-stream"]);

/**
 * GETs the manifest of `ref` (by digest if it has one, else its tag, else
 * `latest`). Verifies the bytes against the reference's digest and the
 * server's `Docker-Content-Digest` (see checkManifestDigest); a mismatch
 * or a body over 4 MiB fails with `protocol`. The media type is the
 * Content-Type; when that is missing or generic (`application/json`), the
 * document's `mediaType` field, else OCI index/manifest inferred from
 * `manifests`/`config`; with none of those, `protocol`. The media type is
 * not checked against `accept` and the document is not validated:
 * callers that interpret it use parseManifest.
 */
export async function getManifest(
  transport: RegistryTransport,
  ref: ImageReference,
  options: GetManifestOptions = {},
): Promise<RegistryResult<FetchedManifest>> {
  const target = manifestTarget(ref);
  if (!target.ok) return target;
  const { host, scope, path, pinned } = target.value;
  const accept = (options.accept ?? defaultManifestAccept).join(", ");
  const sent = await transport.send({ host, method: "GET", path, scope, headers: { accept } });
  if (!sent.ok) return sent;
  const what = describeRequest("GET", transport.urlFor(host, path));
  const body = await readBody(sent.value.body, maxManifestBytes, what);
  if (!body.ok) return body;
  const bytes = new Uint8Array(body.value);
  const headers = sent.value.headers;
  const digest = checkManifestDigest(bytes, pinned, headerValue(headers["docker-content-digest"]), what);
  if (!digest.ok) return digest;
  const mediaType = manifestMediaType(headers["content-type"], body.value);
  if (mediaType === undefined) {
    return failed("protocol", `${what}: the response does not say which manifest format it is`);
  }
  return success({ bytes, mediaType, digest: digest.value });
}

function manifestMediaType(contentType: string | undefined, body: Buffer): string | undefined {
  const essence = mediaTypeEssence(contentType);
  if (essence !== undefined && !genericTypes.has(essence)) return essence;
  let document: unknown;
  try {
    document = JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
  if (typeof document !== "object" || document === null) return undefined;
  const fields = document as { mediaType?: unknown; manifests?: unknown; config?: unknown };
  if (typeof fields.mediaType === "string" && fields.mediaType !== "") return fields.mediaType;
  if (Array.isArray(fields.manifests)) return mediaTypes.ociIndex;
  return fields.config !== undefined ? mediaTypes.ociManifest : undefined;
}
