/**
 * @module
 * A pull secret as the API, the CLI and the portal show it. It is built
 * from the stored row field by field — never by spreading the row — so the
 * ciphertext, let alone the password, cannot leak into a response when the
 * row gains a column.
 */
import type { DockerSecretRow, SecretCredentialKind, SecretRegistryKind } from "../metadata/secrets-metadata.ts";

/** A pull secret without its password. Times are ISO 8601. */
export interface SecretView {
  readonly name: string;
  /** `docker-hub` or `private-registry`. */
  readonly kind: SecretRegistryKind;
  /** The registry URL: `https://index.docker.io/v1/` for Docker Hub, `http://` only when insecure. */
  readonly registry: string;
  /** The `.dockerconfigjson` `auths` key the secret renders under. */
  readonly registryKey: string;
  /** True for a registry served over plain HTTP. */
  readonly insecure: boolean;
  /** `password` (a password or access token) or `identity-token` (imported from a Docker config). */
  readonly credential: SecretCredentialKind;
  readonly username: string;
  readonly email: string | null;
  /** The master-key version the password is encrypted under (rotation progress). */
  readonly keyVersion: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** The view of a stored secret. */
export function toSecretView(row: DockerSecretRow): SecretView {
  return {
    name: row.name,
    kind: row.kind,
    registry: row.registryUrl,
    registryKey: row.registryKey,
    insecure: row.insecure,
    credential: row.credential,
    username: row.username,
    email: row.email,
    keyVersion: row.keyVersion,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}
