/**
 * @module
 * Sealing an external registry's password (or token) for its row and
 * opening it again, with the pull secrets' cipher and master-key ring. The
 * associated data is `external-registry:<org id>:<row id>`: ids never change
 * (a rename keeps the id), and the prefix differs from pull secrets', so a
 * ciphertext copied into another row, organization or table fails to
 * decrypt instead of answering under another name.
 */
import type { ExternalRegistryRow } from "../metadata/external-registries-metadata.ts";
import type { SealedValue } from "../metadata/secrets-metadata.ts";
import type { KeyRing } from "../secrets/key-ring.ts";
import { MasterKeyError } from "../secrets/master-key-error.ts";
import { decryptSecret, encryptSecret } from "../secrets/secret-cipher.ts";

/** The associated data that binds a ciphertext to registry `id` of organization `orgId`. */
export function externalAssociatedData(orgId: number, id: number): string {
  return `external-registry:${orgId}:${id}`;
}

/** Encrypts `password` for registry `id` of `orgId` under the ring's current key. */
export function sealExternalPassword(ring: KeyRing, orgId: number, id: number, password: string): SealedValue {
  return {
    ciphertext: encryptSecret(ring, password, externalAssociatedData(orgId, id)),
    keyVersion: ring.currentVersion,
  };
}

/**
 * The password of `row`, or undefined when it has none. Throws
 * MasterKeyError (the cipher's reason) whose message starts with
 * `external registry <label>:`.
 */
export function openExternalPassword(ring: KeyRing, row: ExternalRegistryRow, label: string): string | undefined {
  if (row.ciphertext === null) return undefined;
  try {
    return decryptSecret(ring, row.ciphertext, externalAssociatedData(row.orgId, row.id));
  } catch (error) {
    if (!(error instanceof MasterKeyError)) throw error;
    throw new MasterKeyError(error.reason, `external registry ${label}: ${error.message}`, { cause: error });
  }
}
