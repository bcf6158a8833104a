/**
 * @module
 * The proxy's repository names: `proxy/<app-slug>/<upstream>/<path>`, where
 * `<upstream>` is the short name (or host) of an external registry of the
 * app's organization and `<path>` the repository inside it (after the
 * registry's configured prefix). A host with a port cannot appear here (the
 * repository grammar has no ':'): such registries are named by short name.
 */
import { RepositoryError } from "../registry/repository-error.ts";

/** The first path component of every proxied repository. */
export const proxyNamespace = "proxy";

/** A proxied repository name, split. */
export interface ProxyPath {
  readonly app: string;
  readonly upstream: string;
  /** The repository path as the client wrote it (without the upstream's prefix). */
  readonly path: string;
}

/** True when `name` is in the proxy's namespace (whether or not it is well formed). */
export function isProxyName(name: string): boolean {
  return name === proxyNamespace || name.startsWith(`${proxyNamespace}/`);
}

/** Splits a proxy name; name-unknown when it has fewer than four components. */
export function parseProxyPath(name: string): ProxyPath {
  const [, app, upstream, ...rest] = name.split("/");
  if (app === undefined || upstream === undefined || rest.length === 0) {
    throw new RepositoryError(
      "name-unknown",
      `${name} is not a proxied repository: use proxy/<app-slug>/<upstream registry>/<repository path>`,
    );
  }
  return { app, upstream, path: rest.join("/") };
}
