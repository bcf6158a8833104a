/**
 * @module
 * Re-encrypting every external registry's password under the current
 * master-key version: the external half of `wharf secrets rotate-key`. Like
 * the pull secrets' rotation it runs while the server serves, row by row in
 * id order, replacing a ciphertext only if it is still the one read (a
 * password changed meanwhile is never overwritten). A row that cannot be
 * opened is reported and left; running again resumes. withExternalRotation
 * joins it to the pull secrets' rotation, so the one command does both.
 */
import type { Caller } from "../accounts/management-access.ts";
import type { ExternalRegistryRow } from "../metadata/external-registries-metadata.ts";
import type { KeyRing } from "../secrets/key-ring.ts";
import { MasterKeyError } from "../secrets/master-key-error.ts";
import { rotateInPages } from "../secrets/rotate-in-pages.ts";
import { reencrypt } from "../secrets/secret-cipher.ts";
import type { RotationReport } from "../secrets/secret-rotation.ts";
import type { SecretStoreService } from "../secrets/secret-store-service.ts";
import { type ExternalRegistryDeps, ringOf } from "./external-registry-deps.ts";
import { externalAssociatedData } from "./external-registry-vault.ts";

async function rotateRow(
  deps: Pick<ExternalRegistryDeps, "store">,
  ring: KeyRing,
  row: ExternalRegistryRow,
): Promise<"reencrypted" | "changed" | { reason: string }> {
  let ciphertext: string;
  try {
    ciphertext = reencrypt(ring, row.ciphertext!, externalAssociatedData(row.orgId, row.id));
  } catch (error) {
    if (!(error instanceof MasterKeyError)) throw error;
    return { reason: error.message };
  }
  const sealed = { ciphertext, keyVersion: ring.currentVersion };
  return (await deps.store.replaceExternalCiphertext(row.id, row.ciphertext!, sealed)) ? "reencrypted" : "changed";
}

/**
 * Re-encrypts every external registry whose password is not under the
 * current key version (the caller reloads the ring first). Failed rows name
 * the registry as `external registry <name>`. Audited as `external.rotate`.
 */
export async function rotateExternalRegistries(
  deps: Pick<ExternalRegistryDeps, "store" | "keyRing" | "audit">,
  caller?: Caller,
): Promise<RotationReport> {
  const ring = ringOf(deps);
  const { reencrypted, changedMeanwhile, failed } = await rotateInPages(
    (afterId, limit) => deps.store.staleExternalRegistries(ring.currentVersion, afterId, limit),
    (row) => rotateRow(deps, ring, row),
    (row) => `external registry ${row.name}`,
  );
  deps.audit.record({
    actor: caller?.principal.name ?? "operator",
    action: "external.rotate",
    target: "external-registries",
    detail: { keyVersion: ring.currentVersion, reencrypted, changedMeanwhile, failed: failed.length },
    ...(caller?.remote !== undefined && { remote: caller.remote }),
  });
  return { keyVersion: ring.currentVersion, reencrypted, changedMeanwhile, failed };
}

/**
 * The pull secrets' `rotateAll` followed by the external registries', as
 * one report (counts summed, failures of both listed). The secrets' rotation
 * checks the caller and reloads the ring, so the external half runs only
 * after both.
 */
export function withExternalRotation(
  secrets: Pick<SecretStoreService, "rotateAll">,
  deps: Pick<ExternalRegistryDeps, "store" | "keyRing" | "audit">,
): Pick<SecretStoreService, "rotateAll"> {
  return {
    async rotateAll(caller?: Caller): Promise<RotationReport> {
      const first = await secrets.rotateAll(caller);
      const second = await rotateExternalRegistries(deps, caller);
      return {
        keyVersion: first.keyVersion,
        reencrypted: first.reencrypted + second.reencrypted,
        changedMeanwhile: first.changedMeanwhile + second.changedMeanwhile,
        failed: [...first.failed, ...second.failed],
      };
    },
  };
}
