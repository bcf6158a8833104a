/**
 * @module
 * Docker decides whether the first `/`-separated part of a name is a registry
 * host by a heuristic, not by the grammar: `gcr.io/app` names a host,
 * `fredysa/app` a Docker Hub namespace. Wharf must make the same call Docker
 * does, or an image that `docker pull` fetches from one registry would be
 * looked up in another. This module is that heuristic (Docker's
 * `splitDockerDomain`), plus the Docker Hub normalizations.
 */
import { dockerHub } from "./docker-hub.ts";

/** A name split into registry domain and repository path, both normalized. */
export interface SplitName {
  /** `docker.io` when no host was written or for a Docker Hub alias; else the host as written. */
  readonly domain: string;
  /** The repository path, with `library/` added for one-component Docker Hub names. */
  readonly path: string;
  /** The host exactly as written, or undefined when the name starts with a path. */
  readonly writtenHost?: string;
}

/**
 * Splits a name (no tag, no digest) the way Docker does. The first component
 * is a host when it is `localhost`, contains `.` or `:`, or contains upper
 * case (Docker refuses upper case in paths, so such a part can only be a
 * host); otherwise the whole name is a Docker Hub path. A name without `/` is
 * always a Docker Hub path, so `localhost` and `example.com` alone mean
 * `docker.io/library/localhost` and `docker.io/library/example.com`.
 * `index.docker.io` and `registry-1.docker.io` become `docker.io`. Validates
 * nothing; the parts are checked by the caller.
 */
export function splitDomain(name: string): SplitName {
  const slash = name.indexOf("/");
  if (slash < 0) return { domain: dockerHub.domain, path: dockerHub.officialPrefix + name };
  const first = name.slice(0, slash);
  if (!looksLikeHost(first)) return { domain: dockerHub.domain, path: name };
  const rest = name.slice(slash + 1);
  const isHub = first === dockerHub.domain || (dockerHub.aliases as readonly string[]).includes(first);
  if (!isHub) return { domain: first, path: rest, writtenHost: first };
  const path = rest.includes("/") ? rest : dockerHub.officialPrefix + rest;
  return { domain: dockerHub.domain, path, writtenHost: first };
}

/** Docker's test for "this first component is a registry host". */
export function looksLikeHost(component: string): boolean {
  return (
    component === "localhost" ||
    component.includes(".") ||
    component.includes(":") ||
    component !== component.toLowerCase()
  );
}
