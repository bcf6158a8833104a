/**
 * @module
 * Where an external registry is, from what a vendor types: an endpoint
 * (`quay.io`, `index.docker.io`, `ghcr.io`, `<account>.dkr.ecr.<region>.amazonaws.com`,
 * `registry.example.com:5000`, a URL), an optional path prefix written in
 * the URL or given apart (`quay.io/acme` = `quay.io` + `acme`), and the
 * insecure flag. The host is parsed by the pull secrets' normalizeRegistryUrl,
 * so both features accept and refuse the same spellings; the prefix follows
 * the repository-name grammar, because the proxy joins it to image paths.
 * Docker Hub, however spelled, is `docker.io`, served by `registry-1.docker.io`.
 */
import { isValidRepositoryName } from "../reference/grammar.ts";
import { quoteInput } from "../reference/quote-input.ts";
import { registryHostForPulling } from "../reference/registry-host-for-pulling.ts";
import { normalizeRegistryUrl } from "../secrets/registry-url.ts";

/** A resolved endpoint. */
export interface Endpoint {
  /** Lower-case `host[:port]` as image references write it; `docker.io` for Docker Hub. */
  readonly host: string;
  /** `https://host[:port]` (`http://` when insecure); Docker Hub: `https://registry-1.docker.io`. */
  readonly baseUrl: string;
  /** Path prefix inside the registry without slashes, or "". */
  readonly prefix: string;
  readonly insecure: boolean;
}

/** An endpoint, or every problem found (each a sentence saying what to change). */
export type EndpointResult =
  | { readonly ok: true; readonly endpoint: Endpoint }
  | { readonly ok: false; readonly problems: string[] };

const schemePattern = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
const maxPrefixLength = 200;

/**
 * Resolves `registry` (and `prefix`, which may also be written as the URL's
 * path — not both, unless equal). With no scheme the registry is `https://`,
 * or `http://` when `insecure`; `http://` without `insecure` and `https://`
 * with it are refused, as is an insecure Docker Hub. A lone `/v2` path (a
 * pasted API URL) is dropped. Never throws.
 */
export function resolveEndpoint(registry: string, prefix: string | undefined, insecure: boolean): EndpointResult {
  const text = registry.trim();
  if (text === "") {
    return fail("registry is empty: give a host such as quay.io, ghcr.io or registry.example.com:5000");
  }
  const q = quoteInput(text);
  const scheme = schemePattern.exec(text)?.[1]?.toLowerCase();
  if (scheme === "http" && !insecure) {
    return fail(`registry ${q} uses http://: use https://, or mark the registry insecure if it serves plain http`);
  }
  if (scheme === "https" && insecure) {
    return fail(
      `registry ${q} uses https:// but is marked insecure (plain http): write http://, or do not mark it insecure`,
    );
  }
  const rest = scheme === undefined ? text : text.slice(text.indexOf("://") + 3);
  const slash = rest.indexOf("/");
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const urlPath = slash < 0 ? "" : rest.slice(slash);
  const location = normalizeRegistryUrl(scheme === undefined ? authority : `${scheme}://${authority}`, { insecure });
  if (!location.ok) return fail(location.error);
  const problems: string[] = [];
  if (location.kind === "docker-hub" && insecure) {
    problems.push(`registry ${q} is Docker Hub, which is served over https only: do not mark it insecure`);
  }
  const chosen = choosePrefix(trimSlashes(urlPath), prefix === undefined ? undefined : trimSlashes(prefix), q);
  if (chosen.problem !== undefined) problems.push(chosen.problem);
  if (problems.length > 0) return { ok: false, problems };
  const host = location.host;
  const protocol = insecure ? "http" : "https";
  const baseUrl = `${protocol}://${registryHostForPulling(host)}`;
  return { ok: true, endpoint: { host, baseUrl, prefix: chosen.prefix, insecure } };
}

function fail(problem: string): EndpointResult {
  return { ok: false, problems: [problem] };
}

function trimSlashes(path: string): string {
  return path.trim().replace(/^\/+|\/+$/g, "");
}

/** The prefix from the URL's path or the option; a problem when they differ or it is not a repository path. */
function choosePrefix(fromUrl: string, given: string | undefined, q: string): { prefix: string; problem?: string } {
  const urlPrefix = fromUrl === "v2" || fromUrl === "v1" ? "" : fromUrl;
  if (given !== undefined && urlPrefix !== "" && given !== urlPrefix) {
    return {
      prefix: "",
      problem: `registry ${q} has the path ${quoteInput(urlPrefix)} and the prefix ${quoteInput(given)} is given too: give the path in one place`,
    };
  }
  const prefix = given ?? urlPrefix;
  if (prefix === "") return { prefix };
  if (prefix.length > maxPrefixLength) {
    return { prefix, problem: `prefix must be at most ${maxPrefixLength} characters (got ${prefix.length})` };
  }
  if (!isValidRepositoryName(prefix)) {
    return {
      prefix,
      problem: `prefix ${quoteInput(prefix)} is not a repository path: use lower-case components separated by '/', such as acme or acme/team (letters, digits, '.', '_', '-')`,
    };
  }
  return { prefix };
}
