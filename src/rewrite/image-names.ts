/**
 * @module
 * The names images get when rewritten — one rule each for the proxy and for
 * a customer's own registry, so the rewriter, the proxy and the airgap push
 * agree on them — and the spellings of one image that kustomize must match.
 */
import { dockerHub } from "../reference/docker-hub.ts";
import type { ImageReference } from "../reference/image-reference.ts";
import { RewriteError } from "./rewrite-error.ts";

/**
 * The proxy name of `ref`: `<proxyHost>/proxy/<app>/<upstream>/<path>`.
 * `upstreamNames` maps registries as given to `wharf external add --registry`
 * (`host[:port][/prefix]`) to their short names: the longest one that `ref`
 * lies in names the upstream, and `<path>` is the rest of `ref`'s path after
 * that prefix (`127.0.0.1:5000/acme/api` with `127.0.0.1:5000/acme=lab` →
 * `lab/api`), as the proxy reads a short name. Otherwise `<upstream>` is
 * `ref`'s host and `<path>` its whole path, which the proxy reads against
 * the registries of that host (`quay.io/acme/api` → `quay.io/acme/api`).
 * Throws RewriteError `usage` when the host has a port and no short name.
 */
export function proxyName(
  ref: ImageReference,
  proxyHost: string,
  app: string,
  upstreamNames: ReadonlyMap<string, string> = new Map(),
): string {
  const domain = ref.domain.toLowerCase();
  const whole = `${domain}/${ref.path}`;
  let named: { name: string; path: string } | undefined;
  let longest = -1;
  for (const [registry, name] of upstreamNames) {
    const at = registry.replace(/\/+$/, "");
    if (at.length <= longest || !whole.startsWith(`${at}/`)) continue;
    longest = at.length;
    named = { name, path: whole.slice(at.length + 1) };
  }
  if (named) return `${proxyHost}/proxy/${app}/${named.name}/${named.path}`;
  if (domain.includes(":") || domain.startsWith("[")) {
    throw new RewriteError(
      "usage",
      `${ref.domain}/${ref.path} is on a registry with a port, which cannot appear in a proxy path: name its external registry with --upstream ${domain}[/<prefix>]=<short name> (the registry as given to wharf external add)`,
    );
  }
  return `${proxyHost}/proxy/${app}/${domain}/${ref.path}`;
}

/**
 * The name of `ref` in a customer's own registry `registry` (`host[/namespace]`):
 * the repository path without its registry host, and without Docker Hub's
 * `library/` (`docker.io/library/nginx` → `<registry>/nginx`,
 * `quay.io/acme/api` → `<registry>/acme/api`).
 */
export function airgapName(ref: ImageReference, registry: string): string {
  const path =
    ref.domain === dockerHub.domain && ref.path.startsWith(dockerHub.officialPrefix)
      ? ref.path.slice(dockerHub.officialPrefix.length)
      : ref.path;
  return `${registry.replace(/\/+$/, "")}/${path}`;
}

/** The name part of an image string as written (before `:tag` and `@digest`). */
export function writtenName(image: string): string {
  const beforeDigest = image.split("@")[0]!;
  const colon = beforeDigest.lastIndexOf(":");
  return colon > beforeDigest.lastIndexOf("/") ? beforeDigest.slice(0, colon) : beforeDigest;
}

/**
 * Every spelling of the image's name that Docker reads as the same image:
 * for Docker Hub official images `nginx`, `docker.io/nginx`,
 * `docker.io/library/nginx`, `index.docker.io/library/nginx` (and the
 * `index.docker.io/nginx`, `registry-1.docker.io/library/nginx` forms);
 * for other Docker Hub images `org/app` and its hosts; otherwise the one
 * `domain/path` spelling.
 */
export function nameSpellings(ref: ImageReference): string[] {
  if (ref.domain !== dockerHub.domain) return [`${ref.domain}/${ref.path}`];
  const short = ref.path.startsWith(dockerHub.officialPrefix)
    ? ref.path.slice(dockerHub.officialPrefix.length)
    : undefined;
  const paths = short !== undefined && !short.includes("/") ? [short, ref.path] : [ref.path];
  const hosts = ["docker.io", "index.docker.io", "registry-1.docker.io"];
  return [paths[0]!, ...hosts.flatMap((host) => paths.map((path) => `${host}/${path}`))];
}
