/**
 * @module
 * What a caller gives to add or change an external registry. The HTTP layer
 * checks the JSON types; the service applies the rules and reports every
 * broken one at once, so one round trip fixes a form.
 */

/** A new external registry, as the "Add External Registry" form asks for it. */
export interface AddExternalRegistryInput {
  /** The short name (a DNS label); default: the host with '.' as '-' (required when the host has a port). */
  readonly name?: string;
  /** `quay.io`, `index.docker.io`, `host:port`, or a URL, optionally with the path prefix (`quay.io/acme`). */
  readonly registry: string;
  /** The path prefix inside the registry, if not written in `registry`. */
  readonly prefix?: string;
  /** The registry serves plain http (required for an `http://` URL). */
  readonly insecure?: boolean;
  /** Absent (with `password`) for a registry pulled from anonymously. */
  readonly username?: string;
  /** The password or access token; never returned. */
  readonly password?: string;
}

/**
 * What to change; absent fields stay. `registry`, `prefix` and `insecure`
 * are re-resolved together (a new `registry` without a path and without
 * `prefix` clears the prefix). `username: null` removes the credentials.
 */
export interface UpdateExternalRegistryInput {
  /** A new short name. */
  readonly name?: string;
  readonly registry?: string;
  readonly prefix?: string;
  readonly insecure?: boolean;
  readonly username?: string | null;
  readonly password?: string;
}

/** The fields `update` may change, in the order the audit log lists them. */
export const updatableFields = ["name", "registry", "prefix", "insecure", "username", "password"] as const;
