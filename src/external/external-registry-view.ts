/**
 * @module
 * An external registry as the API, the CLI and the portal show it. Built
 * from the stored row field by field — never by spreading it — so the
 * ciphertext, let alone the password, cannot leak into a response when the
 * row gains a column.
 */
import type { ExternalRegistryRow } from "../metadata/external-registries-metadata.ts";

/** An external registry without its password. Times are ISO 8601. */
export interface ExternalRegistryView {
  /** The short name, used in proxy paths: `<wharf>/proxy/<app>/<name>/<image>:<tag>`. */
  readonly name: string;
  /** `host[:port]` as configured (`docker.io` for Docker Hub). */
  readonly host: string;
  /** The URL Wharf sends requests to (`https://registry-1.docker.io` for Docker Hub). */
  readonly url: string;
  /** Path prefix inside the registry, or "". */
  readonly prefix: string;
  readonly insecure: boolean;
  /** Null for anonymous pulls. */
  readonly username: string | null;
  /** The master-key version the password is encrypted under; null without credentials. */
  readonly keyVersion: number | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** The view of a stored registry. */
export function toExternalRegistryView(row: ExternalRegistryRow): ExternalRegistryView {
  return {
    name: row.name,
    host: row.host,
    url: row.baseUrl,
    prefix: row.prefix,
    insecure: row.insecure,
    username: row.username,
    keyVersion: row.ciphertext === null ? null : row.keyVersion,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}
