/**
 * @module
 * Re-encrypting every pull secret under the current master-key version, the
 * second half of a key rotation (the first adds the key: rotateMasterKey or
 * a new `WHARF_MASTER_KEY` entry). It runs while the server serves: rows are
 * read in id-ordered batches of those not yet current and each is replaced
 * on its own, only if its ciphertext is still the one that was read, so a
 * password changed meanwhile is never overwritten with the old one. A row
 * that cannot be opened is reported and left as it is; running again
 * resumes where it failed.
 */
import type { Caller } from "../accounts/management-access.ts";
import { requireAdmin } from "../accounts/management-access.ts";
import type { DockerSecretRow } from "../metadata/secrets-metadata.ts";
import type { KeyRing } from "./key-ring.ts";
import { MasterKeyError } from "./master-key-error.ts";
import { rotateInPages } from "./rotate-in-pages.ts";
import { reencrypt } from "./secret-cipher.ts";
import { currentRing, type PullSecretStore, type SecretServiceDeps } from "./secret-service-deps.ts";
import { secretAssociatedData } from "./secret-vault.ts";

/** What a rotation did. */
export interface RotationReport {
  /** The key version every re-encrypted secret is now under. */
  readonly keyVersion: number;
  readonly reencrypted: number;
  /** Secrets whose password was changed by someone else during the run (so already under the current key). */
  readonly changedMeanwhile: number;
  /** Secrets that could not be opened (wrong or missing key version, altered data), without any secret value. */
  readonly failed: readonly { readonly orgId: number; readonly secret: string; readonly reason: string }[];
}

/** Re-encrypts one row; what happened, or why it could not be opened. */
async function rotateRow(
  deps: Pick<SecretServiceDeps<Pick<PullSecretStore, "replaceCiphertext">>, "store">,
  ring: KeyRing,
  row: DockerSecretRow,
): Promise<"reencrypted" | "changed" | { reason: string }> {
  let ciphertext: string;
  try {
    ciphertext = reencrypt(ring, row.ciphertext, secretAssociatedData(row.orgId, row.id));
  } catch (error) {
    if (!(error instanceof MasterKeyError)) throw error;
    return { reason: error.message };
  }
  const sealed = { ciphertext, keyVersion: ring.currentVersion };
  return (await deps.store.replaceCiphertext(row.id, row.ciphertext, sealed)) ? "reencrypted" : "changed";
}

/** The rotation operation. */
export function createSecretRotation(
  deps: SecretServiceDeps<Pick<PullSecretStore, "staleSecrets" | "replaceCiphertext">>,
) {
  return {
    /**
     * Re-encrypts every secret not under the current key version (the ring
     * is reloaded first when `reloadKeyRing` is given). With a
     * `caller`, only a server administrator may run it (`forbidden` otherwise);
     * without one it is the operator's command on the server's own machine.
     * Audited as `secret.rotate` with the counts.
     */
    async rotateAll(caller?: Caller): Promise<RotationReport> {
      if (caller !== undefined) requireAdmin(caller, "re-encrypt every pull secret");
      await deps.reloadKeyRing?.();
      const ring = currentRing(deps);
      const { reencrypted, changedMeanwhile, failed } = await rotateInPages(
        (afterId, limit) => deps.store.staleSecrets(ring.currentVersion, afterId, limit),
        (row) => rotateRow(deps, ring, row),
        (row) => row.name,
      );
      const report = { keyVersion: ring.currentVersion, reencrypted, changedMeanwhile, failed };
      deps.audit.record({
        actor: caller?.principal.name ?? "operator",
        action: "secret.rotate",
        target: "secrets",
        detail: { keyVersion: report.keyVersion, reencrypted, changedMeanwhile, failed: failed.length },
        ...(caller?.remote !== undefined && { remote: caller.remote }),
      });
      return report;
    },
  };
}
