/**
 * @module
 * How the CLI names where a pull secret's credentials are for, and the
 * secret as the API shows it (never with a password).
 */

/** A pull secret as the API shows it (no password). */
export interface SecretView {
  readonly name: string;
  readonly kind: "docker-hub" | "private-registry";
  readonly registry: string;
  readonly registryKey: string;
  readonly insecure: boolean;
  readonly credential: string;
  readonly username: string;
  readonly email: string | null;
  readonly keyVersion: number;
  readonly updatedAt: string;
}

/** `Docker Hub`, `registry.example.com`, or `127.0.0.1:5000 (plain http)`. */
export function registryLabel(secret: Pick<SecretView, "kind" | "registryKey" | "insecure">): string {
  if (secret.kind === "docker-hub") return "Docker Hub";
  return secret.insecure ? `${secret.registryKey} (plain http)` : secret.registryKey;
}
