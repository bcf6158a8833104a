/**
 * @module
 * Where a proxied path lives on its upstream: the registry's host as the
 * reference domain, and the registry's prefix joined to the client's path,
 * normalized by the image-reference grammar (so Docker Hub's official
 * images get `library/`, and `index.docker.io` means Docker Hub).
 */
import { parseReference } from "../reference/parse-reference.ts";
import type { RepositoryRef } from "../registry-client/repository-address.ts";
import type { UpstreamRegistry } from "./upstream-registry.ts";

/** The upstream repository for `path`, or the grammar's complaint when it cannot be addressed. */
export function upstreamRepository(
  registry: Pick<UpstreamRegistry, "baseUrl" | "prefix">,
  path: string,
): { ok: true; ref: RepositoryRef } | { ok: false; error: string } {
  const prefix = registry.prefix.replace(/^\/+|\/+$/g, "");
  const parsed = parseReference(`${registry.baseUrl.host}/${prefix === "" ? "" : `${prefix}/`}${path}`);
  if (!parsed.ok) return parsed;
  return { ok: true, ref: { domain: parsed.reference.domain, path: parsed.reference.path } };
}
