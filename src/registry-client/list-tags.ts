/**
 * @module
 * Lists a repository's tags across pages. Registries cap page sizes
 * (Docker Hub, GHCR, ECR) and say where the next page is in a `Link`
 * header, so a client that reads one page silently misses tags — which
 * the rewriter and the bundler would then report as missing images.
 */
import { nextLink } from "./parse-link-header.ts";
import { maxManifestBytes, readBody } from "./read-body.ts";
import { failed, type RegistryResult, success } from "./registry-result.ts";
import type { RegistryTransport } from "./registry-transport.ts";
import { type RepositoryRef, repositoryAddress } from "./repository-address.ts";
import { describeRequest, headerValue } from "./send-request.ts";

/** Options for {@link listTags}. */
export interface ListTagsOptions {
  /** Page size to ask for (`n`); the registry may return fewer. Default: the registry's. */
  readonly n?: number;
  /** Start after this tag (`last`), in the registry's order. */
  readonly last?: string;
}

const maxPages = 10_000;

/**
 * Every tag of `repo` after `options.last`, following `rel="next"` links
 * until there are none, in the order the registry returns them. Fails with
 * `protocol` for an `n` that is not a positive integer, a page that is not
 * `{"tags": [string…]}` (`null` counts as empty), a next link to another
 * origin (credentials must not follow it) or a link loop; `not-found` for
 * an unknown repository.
 */
export async function listTags(
  transport: RegistryTransport,
  repo: RepositoryRef,
  options: ListTagsOptions = {},
): Promise<RegistryResult<string[]>> {
  if (options.n !== undefined && !(Number.isSafeInteger(options.n) && options.n > 0)) {
    return failed("protocol", `the page size n must be a positive integer`);
  }
  const { host, base, scope } = repositoryAddress(repo);
  const query = new URLSearchParams();
  if (options.n !== undefined) query.set("n", String(options.n));
  if (options.last !== undefined) query.set("last", options.last);
  const origin = transport.urlFor(host, "/").origin;
  let path: string | undefined = `${base}/tags/list${query.size > 0 ? `?${query}` : ""}`;
  const seen = new Set<string>();
  const tags: string[] = [];
  while (path !== undefined) {
    if (seen.has(path) || seen.size >= maxPages) {
      return failed("protocol", `${host}: the tag list pages link back to ${path}`);
    }
    seen.add(path);
    const page = await readPage(transport, host, path, scope);
    if (!page.ok) return page;
    for (const tag of page.value.tags) tags.push(tag);
    const next = page.value.next;
    if (next !== undefined && next.origin !== origin) {
      return failed("protocol", `${host}: the tag list's next page is on another origin`);
    }
    path = next === undefined ? undefined : `${next.pathname}${next.search}`;
  }
  return success(tags);
}

async function readPage(
  transport: RegistryTransport,
  host: string,
  path: string,
  scope: string,
): Promise<RegistryResult<{ tags: string[]; next: URL | undefined }>> {
  const headers = { accept: "application/json" };
  const sent = await transport.send({ host, method: "GET", path, scope, headers });
  if (!sent.ok) return sent;
  const what = describeRequest("GET", sent.value.url);
  const body = await readBody(sent.value.body, maxManifestBytes, what);
  if (!body.ok) return body;
  let tags: unknown;
  try {
    tags = (JSON.parse(body.value.toString("utf8")) as { tags?: unknown } | null)?.tags;
  } catch {
    return failed("protocol", `${what}: the tag list is not JSON`);
  }
  if (tags === null) tags = [];
  if (!Array.isArray(tags) || !tags.every((tag) => typeof tag === "string")) {
    return failed("protocol", `${what}: the tag list has no "tags" array of strings`);
  }
  const link = nextLink(headerValue(sent.value.headers.link));
  let next: URL | undefined;
  try {
    next = link === undefined ? undefined : new URL(link, sent.value.url);
  } catch {
    return failed("protocol", `${what}: the Link header's next page is not a URL`);
  }
  return success({ tags, next });
}
