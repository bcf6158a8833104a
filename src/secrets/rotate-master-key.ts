/**
 * @module
 * `wharf secrets rotate-key` as one operation for a running server: add a
 * new master-key version, then re-encrypt every pull secret under it while
 * the server keeps serving (rotateAll). When the key comes from the key
 * file the new version is generated here; when it comes from
 * `WHARF_MASTER_KEY` the operator adds it there (`v1:<old>,v2:<new>`) and
 * restarts, and this only re-encrypts under the highest version. Only a
 * server administrator may, and the check comes before the key file is
 * touched. Rotations in this process run one at a time.
 */
import type { Caller } from "../accounts/management-access.ts";
import { requireAdmin } from "../accounts/management-access.ts";
import type { MasterKeySource } from "./master-key-source.ts";
import type { RotationReport } from "./secret-rotation.ts";
import type { SecretStoreService } from "./secret-store-service.ts";

/** What a key rotation did: the re-encryption report, and where the keys come from. */
export interface KeyRotationReport extends RotationReport {
  /** `file` (a version was added to the key file) or `environment` (only re-encrypted). */
  readonly source: MasterKeySource["source"];
  /** The version this rotation added, or null when the keys come from the environment. */
  readonly addedVersion: number | null;
}

/** The dependencies: the server's master-key source and the secret service. */
export interface KeyRotationDeps {
  readonly keys: Pick<MasterKeySource, "source" | "rotate">;
  readonly secrets: Pick<SecretStoreService, "rotateAll">;
}

/**
 * Returns `rotateKey(caller)`: AccountsError `forbidden` unless the caller is a
 * server administrator; MasterKeyError when the key file cannot be read or
 * written. A call made while another runs waits for it, then rotates again.
 */
export function createKeyRotation(deps: KeyRotationDeps): (caller: Caller) => Promise<KeyRotationReport> {
  let running: Promise<unknown> = Promise.resolve();
  async function rotate(caller: Caller): Promise<KeyRotationReport> {
    requireAdmin(caller, "rotate the master key");
    const added = deps.keys.source === "file" ? (await deps.keys.rotate()).version : null;
    const report = await deps.secrets.rotateAll(caller);
    return { ...report, source: deps.keys.source, addedVersion: added };
  }
  return (caller) => {
    const next = running.then(
      () => rotate(caller),
      () => rotate(caller),
    );
    running = next.catch(() => undefined);
    return next;
  };
}
