/**
 * @module
 * Where a repository's API lives: the host to dial (Docker Hub's
 * `docker.io` is served from `registry-1.docker.io`), the path prefix of
 * its endpoints, and the token scope that pulling from it needs. Every
 * operation derives these the same way from a parsed reference.
 */
import type { ImageReference } from "../reference/image-reference.ts";
import { registryHostForPulling } from "../reference/registry-host-for-pulling.ts";

/** A repository: the `domain` and `path` of a parsed reference (any ImageReference will do). */
export type RepositoryRef = Pick<ImageReference, "domain" | "path">;

/** A repository's API address. */
export interface RepositoryAddress {
  /** The host to dial, port included. */
  readonly host: string;
  /** `/v2/<path>`, without a trailing slash. */
  readonly base: string;
  /** `repository:<path>:pull`, the Docker token scope for reading. */
  readonly scope: string;
}

/**
 * The address of `repo`. Trusts `repo` to come from parseReference (the
 * path grammar allows only `[a-z0-9._/-]`, so nothing needs escaping).
 */
export function repositoryAddress(repo: RepositoryRef): RepositoryAddress {
  return {
    host: registryHostForPulling(repo.domain),
    base: `/v2/${repo.path}`,
    scope: `repository:${repo.path}:pull`,
  };
}
