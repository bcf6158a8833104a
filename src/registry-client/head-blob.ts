/**
 * @module
 * Asks whether a repository has a blob, and how big it is, without
 * downloading it — what the bundler's delta logic and the proxy's
 * existence checks need.
 */
import { tryParseDigest } from "../digest/digest.ts";
import { failed, type RegistryResult, success } from "./registry-result.ts";
import type { RegistryTransport } from "./registry-transport.ts";
import { type RepositoryRef, repositoryAddress } from "./repository-address.ts";
import { describeRequest, headerValue } from "./send-request.ts";

/** What a blob HEAD tells. */
export interface BlobHead {
  readonly digest: string;
  readonly size: number;
}

/**
 * HEADs blob `digest` in `repo`. `not-found` when the registry does not
 * have it; `protocol` for an invalid digest, a missing or invalid
 * Content-Length, or a `Docker-Content-Digest` naming another blob.
 */
export async function headBlob(
  transport: RegistryTransport,
  repo: RepositoryRef,
  digest: string,
): Promise<RegistryResult<BlobHead>> {
  const parsed = tryParseDigest(digest);
  if (parsed === undefined) return failed("protocol", `invalid blob digest`);
  const { host, base, scope } = repositoryAddress(repo);
  const path = `${base}/blobs/${parsed.value}`;
  const sent = await transport.send({ host, method: "HEAD", path, scope });
  if (!sent.ok) return sent;
  const { headers, body, url } = sent.value;
  body.resume();
  const what = describeRequest("HEAD", url);
  const claimed = tryParseDigest(headerValue(headers["docker-content-digest"])?.trim() ?? "");
  if (claimed !== undefined && claimed.algorithm === parsed.algorithm && claimed.value !== parsed.value) {
    return failed("protocol", `${what}: Docker-Content-Digest is ${claimed.value}, not ${parsed.value}`);
  }
  const size = Number(headers["content-length"] ?? Number.NaN);
  if (!Number.isSafeInteger(size) || size < 0) {
    return failed("protocol", `${what}: no valid Content-Length in the response`);
  }
  return success({ digest: parsed.value, size });
}
