/**
 * @module
 * Re-encrypting every webhook's signing secret under the current master-key
 * version: the webhook part of `wharf secrets rotate-key`, joined to the
 * rotation the server already runs (pull secrets, external registries) so
 * the one command does all. Row by row in id order, a ciphertext replaced
 * only if it is still the one read; a row that cannot be opened is reported
 * and left. Audited as `webhook.rotate`.
 */
import type { Caller } from "../accounts/management-access.ts";
import type { AuditEvent } from "../metadata/accounts-metadata.ts";
import type { WebhookStore } from "../metadata/webhooks-metadata.ts";
import type { KeyRing } from "../secrets/key-ring.ts";
import { MasterKeyError } from "../secrets/master-key-error.ts";
import { rotateInPages } from "../secrets/rotate-in-pages.ts";
import { reencrypt } from "../secrets/secret-cipher.ts";
import type { RotationReport } from "../secrets/secret-rotation.ts";
import type { SecretStoreService } from "../secrets/secret-store-service.ts";
import { webhookAssociatedData } from "./webhook-vault.ts";

/** What the rotation works with. */
export interface WebhookRotationDeps {
  readonly store: Pick<WebhookStore, "staleWebhooks" | "replaceWebhookCiphertext">;
  readonly keyRing: () => KeyRing | undefined;
  readonly audit: { record(event: AuditEvent): void };
}

/** `rotation`'s `rotateAll` followed by the webhooks' re-encryption, as one report. */
export function withWebhookRotation(
  rotation: Pick<SecretStoreService, "rotateAll">,
  deps: WebhookRotationDeps,
): Pick<SecretStoreService, "rotateAll"> {
  return {
    async rotateAll(caller?: Caller): Promise<RotationReport> {
      const first = await rotation.rotateAll(caller);
      const ring = deps.keyRing();
      if (!ring) return first;
      const counts = await rotateInPages(
        (afterId, limit) => deps.store.staleWebhooks(ring.currentVersion, afterId, limit),
        async (row) => {
          try {
            const ciphertext = reencrypt(ring, row.ciphertext, webhookAssociatedData(row.orgId, row.id));
            const sealed = { ciphertext, keyVersion: ring.currentVersion };
            return (await deps.store.replaceWebhookCiphertext(row.id, row.ciphertext, sealed))
              ? "reencrypted"
              : "changed";
          } catch (error) {
            if (!(error instanceof MasterKeyError)) throw error;
            return { reason: error.message };
          }
        },
        (row) => `webhook ${row.id}`,
      );
      deps.audit.record({
        actor: caller?.principal.name ?? "operator",
        action: "webhook.rotate",
        target: "webhooks",
        detail: { keyVersion: ring.currentVersion, reencrypted: counts.reencrypted, failed: counts.failed.length },
        ...(caller?.remote !== undefined && { remote: caller.remote }),
      });
      return {
        keyVersion: first.keyVersion,
        reencrypted: first.reencrypted + counts.reencrypted,
        changedMeanwhile: first.changedMeanwhile + counts.changedMeanwhile,
        failed: [...first.failed, ...counts.failed],
      };
    },
  };
}
