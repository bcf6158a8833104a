/**
 * @module
 * Sealing a pull secret's password (or identity token) for its row and
 * opening it again. The associated data is `docker-secret:<org id>:<row id>`:
 * both ids never change (a rename keeps the id), and a ciphertext copied into
 * another row or organization fails to decrypt instead of answering under
 * another secret's name. Opening is what render, check and rotation share,
 * so a wrong master key reads the same everywhere: an error naming the
 * secret and what the operator should do, never garbage.
 */
import type { DockerSecretRow, SealedValue } from "../metadata/secrets-metadata.ts";
import type { KeyRing } from "./key-ring.ts";
import { MasterKeyError } from "./master-key-error.ts";
import type { RegistryCredential } from "./registry-credential.ts";
import { decryptSecret, encryptSecret } from "./secret-cipher.ts";

/** The associated data that binds a ciphertext to secret `id` of organization `orgId`. */
export function secretAssociatedData(orgId: number, id: number): string {
  return `docker-secret:${orgId}:${id}`;
}

/** Encrypts `value` for secret `id` of `orgId` under the ring's current key. */
export function sealSecretValue(ring: KeyRing, orgId: number, id: number, value: string): SealedValue {
  return {
    ciphertext: encryptSecret(ring, value, secretAssociatedData(orgId, id)),
    keyVersion: ring.currentVersion,
  };
}

/**
 * The plaintext of `row`'s ciphertext. Throws MasterKeyError (same reason
 * as decryptSecret) whose message starts with `pull secret <label>:` —
 * e.g. `pull secret acme/quay-io: cannot decrypt: the master key is wrong or
 * the data was altered`.
 */
export function openSecretValue(ring: KeyRing, row: DockerSecretRow, label: string): string {
  try {
    return decryptSecret(ring, row.ciphertext, secretAssociatedData(row.orgId, row.id));
  } catch (error) {
    if (!(error instanceof MasterKeyError)) throw error;
    throw new MasterKeyError(error.reason, `pull secret ${label}: ${error.message}`, { cause: error });
  }
}

/** The registry credential of `row`, given its opened value. */
export function credentialOf(row: DockerSecretRow, value: string): RegistryCredential {
  const email = row.email === null || row.email === "" ? {} : { email: row.email };
  if (row.credential === "identity-token") {
    return {
      kind: "identity-token",
      registryKey: row.registryKey,
      username: row.username,
      identityToken: value,
      ...email,
    };
  }
  return { kind: "password", registryKey: row.registryKey, username: row.username, password: value, ...email };
}
