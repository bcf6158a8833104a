/**
 * @module
 * Sealing a webhook's signing secret for its row and opening it again, with
 * the pull secrets' cipher and master-key ring. The associated data is
 * `webhook:<org id>:<row id>`, so a ciphertext copied into another row,
 * organization or table fails to decrypt.
 */
import type { SealedValue } from "../metadata/secrets-metadata.ts";
import type { WebhookRow } from "../metadata/webhooks-metadata.ts";
import type { KeyRing } from "../secrets/key-ring.ts";
import { decryptSecret, encryptSecret } from "../secrets/secret-cipher.ts";

/** The associated data that binds a ciphertext to webhook `id` of organization `orgId`. */
export function webhookAssociatedData(orgId: number, id: number): string {
  return `webhook:${orgId}:${id}`;
}

/** Encrypts `secret` for webhook `id` of `orgId` under the ring's current key. */
export function sealWebhookSecret(ring: KeyRing, orgId: number, id: number, secret: string): SealedValue {
  return { ciphertext: encryptSecret(ring, secret, webhookAssociatedData(orgId, id)), keyVersion: ring.currentVersion };
}

/** The signing secret of `row`; throws MasterKeyError when the ring cannot open it. */
export function openWebhookSecret(ring: KeyRing, row: WebhookRow): string {
  return decryptSecret(ring, row.ciphertext, webhookAssociatedData(row.orgId, row.id));
}
