/**
 * @module
 * The pull-through proxy's view of an external registry a vendor registered,
 * and of the directory that finds one for an application. The
 * external-registries module implements both structurally; the proxy only
 * reads them.
 */

/** An external registry with the credentials Wharf pulls from it with (never shown to clients). */
export interface UpstreamRegistry {
  /** The short name. */
  readonly name: string;
  /** host[:port] as configured. */
  readonly host: string;
  /** e.g. https://quay.io, https://registry-1.docker.io, http://127.0.0.1:5001 */
  readonly baseUrl: URL;
  /** Path prefix inside the upstream ("" or "acme"). */
  readonly prefix: string;
  readonly insecure: boolean;
  readonly credentials?: { readonly username: string; readonly password: string };
}

/** An external registry and a repository path inside it (after its prefix). */
export interface UpstreamLocation {
  readonly registry: UpstreamRegistry;
  readonly path: string;
}

/** Finds the external registry a proxy path names. */
export interface UpstreamDirectory {
  /** The external registry named `upstream` (short name or host[:port]) of the org owning app `appSlug`; undefined when none. */
  find(appSlug: string, upstream: string): Promise<UpstreamRegistry | undefined>;
  /**
   * The registry and repository a proxy path `<upstream>/<path>` of app
   * `appSlug` names. By short name, `path` is inside the registry's prefix
   * (`quay/api` with `quay` = `quay.io/acme` is `quay.io/acme/api`). By host,
   * `path` is the image's whole path at that host, as written in a pod spec
   * (`quay.io/acme/api`), and the registry is the one of that host whose
   * prefix is the longest leading part of it (one without a prefix takes any
   * path); the answer's path is then relative to that prefix. Undefined when
   * none matches.
   */
  locate(appSlug: string, upstream: string, path: string): Promise<UpstreamLocation | undefined>;
}
