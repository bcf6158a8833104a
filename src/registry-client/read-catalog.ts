/**
 * @module
 * `GET /v2/_catalog`: one page of the repositories a registry lists to the
 * caller. Many registries (Docker Hub, GHCR, ECR, Quay for most users)
 * refuse or ignore it, so callers treat a failure as "not shared", not as
 * broken credentials; `wharf external test` uses it after a successful
 * login to say what the credentials can see.
 */
import { registryHostForPulling } from "../reference/registry-host-for-pulling.ts";
import { nextLink } from "./parse-link-header.ts";
import { maxManifestBytes, readBody } from "./read-body.ts";
import { failed, type RegistryResult, success } from "./registry-result.ts";
import type { RegistryTransport } from "./registry-transport.ts";
import { describeRequest, headerValue } from "./send-request.ts";

/** One page of a catalog. */
export interface CatalogPage {
  readonly repositories: readonly string[];
  /** True when the registry said there is a next page. */
  readonly more: boolean;
}

/** The token scope the catalog needs on Bearer registries. */
const catalogScope = "registry:catalog:*";

/**
 * The first page of `host`'s catalog (a domain or host with port; Docker
 * Hub is dialed as `registry-1.docker.io`), asking for `n` entries (a
 * positive integer, default 100). Fails with `protocol` for a bad `n` or a
 * body that is not `{"repositories": [string…]}` (`null` counts as empty).
 */
export async function readCatalog(
  transport: RegistryTransport,
  host: string,
  n = 100,
): Promise<RegistryResult<CatalogPage>> {
  if (!(Number.isSafeInteger(n) && n > 0)) return failed("protocol", "the page size n must be a positive integer");
  const dialed = registryHostForPulling(host);
  const headers = { accept: "application/json" };
  const sent = await transport.send({
    host: dialed,
    method: "GET",
    path: `/v2/_catalog?n=${n}`,
    scope: catalogScope,
    headers,
  });
  if (!sent.ok) return sent;
  const what = describeRequest("GET", sent.value.url);
  const body = await readBody(sent.value.body, maxManifestBytes, what);
  if (!body.ok) return body;
  let repositories: unknown;
  try {
    repositories = (JSON.parse(body.value.toString("utf8")) as { repositories?: unknown } | null)?.repositories;
  } catch {
    return failed("protocol", `${what}: the catalog is not JSON`);
  }
  if (repositories === null) repositories = [];
  if (!Array.isArray(repositories) || !repositories.every((name) => typeof name === "string")) {
    return failed("protocol", `${what}: the catalog has no "repositories" array of strings`);
  }
  const more = nextLink(headerValue(sent.value.headers.link)) !== undefined;
  return success({ repositories, more });
}
