/**
 * @module
 * The directory the pull-through proxy finds upstream registries in: for a
 * path `<wharf>/proxy/<app-slug>/<upstream>/<path>:<tag>`, the external
 * registry named `<upstream>` (a short name, or a host as configured) of the
 * organization that owns the application, with its credentials opened. The
 * proxy codes against this shape (its own copy in src/proxy/); the
 * implementation is createUpstreamDirectory.
 */

/** An upstream registry, ready to be dialed. */
export interface UpstreamRegistry {
  /** The short name. */
  readonly name: string;
  /** `host[:port]` as configured, e.g. "quay.io", "docker.io", "127.0.0.1:5001". */
  readonly host: string;
  /** e.g. https://quay.io, https://registry-1.docker.io, http://127.0.0.1:5001 */
  readonly baseUrl: URL;
  /** Path prefix inside the upstream ("" or "acme"). */
  readonly prefix: string;
  readonly insecure: boolean;
  /** Absent for anonymous pulls. Never log it. */
  readonly credentials?: { readonly username: string; readonly password: string };
}

/** Finds upstream registries for the proxy. */
export interface UpstreamDirectory {
  /** The external registry named `upstream` (short name, or host[:port] as configured) of the organization that owns application `appSlug`; undefined when none. */
  find(appSlug: string, upstream: string): Promise<UpstreamRegistry | undefined>;
}
