/**
 * @module
 * Stores a manifest (image, index, artifact) under a tag or its digest.
 * Every blob and child manifest it references must be in the repository
 * first, which is why pushes go blobs → children → index.
 */

import { pushScope } from "./push-blob.ts";
import { failed, type RegistryResult, success } from "./registry-result.ts";
import type { RegistryTransport } from "./registry-transport.ts";
import { type RepositoryRef, repositoryAddress } from "./repository-address.ts";
import { headerValue } from "./send-request.ts";

/**
 * PUTs `bytes` as `mediaType` to `repo` under `reference` (a tag or the
 * manifest's digest). Resolves with the digest the registry reports (or
 * none when it sends no Docker-Content-Digest).
 */
export async function putManifest(
  transport: RegistryTransport,
  repo: RepositoryRef,
  reference: string,
  bytes: Uint8Array,
  mediaType: string,
): Promise<RegistryResult<{ readonly digest?: string }>> {
  if (!/^[\w][\w.-]{0,127}$/.test(reference) && !/^[a-z0-9]+:[a-f0-9]+$/.test(reference)) {
    return failed("protocol", `invalid manifest reference ${JSON.stringify(reference.slice(0, 140))}`);
  }
  const { host, base } = repositoryAddress(repo);
  const put = await transport.send({
    host,
    method: "PUT",
    path: `${base}/manifests/${reference}`,
    scope: pushScope(repo),
    headers: { "content-type": mediaType, "content-length": String(bytes.length) },
    body: bytes,
  });
  if (!put.ok) return put;
  put.value.body.resume();
  const digest = headerValue(put.value.headers["docker-content-digest"]);
  return success(digest === undefined ? {} : { digest });
}
