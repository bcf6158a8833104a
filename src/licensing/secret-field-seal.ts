/**
 * @module
 * Secret license field values at rest: sealed under the master key, bound to
 * their license and field name (a value copied into another license's row
 * fails to open instead of answering there). Also the pass that seals what
 * is still plain (values marked by migration 0016, or under an older master
 * key after a rotation), resumable and safe beside writers: each row is
 * replaced only while it still holds what was read.
 */
import type { LicenseFieldsStore } from "../metadata/kysely-license-fields-store.ts";
import type { KeyRing } from "../secrets/key-ring.ts";
import { MasterKeyError } from "../secrets/master-key-error.ts";
import type { SealCounts } from "../secrets/seal-counts.ts";
import { needsSealing, openAtRest, sealAtRest } from "../secrets/sealed-at-rest.ts";

const associatedData = (licenseId: number, name: string) => `license-field:${licenseId}:${name}`;

/** `text` sealed for field `name` of license row `licenseId`. */
export function sealSecretField(ring: KeyRing, licenseId: number, name: string, text: string): string {
  return sealAtRest(ring, text, associatedData(licenseId, name));
}

/** The plaintext of a stored secret field value (sealed, or marked plain). Throws MasterKeyError naming the field. */
export function openSecretField(ring: KeyRing | undefined, licenseId: number, name: string, stored: string): string {
  return openAtRest(ring, stored, associatedData(licenseId, name), `license field ${name} of license #${licenseId}`);
}

/** The ring, or an error saying it is not loaded yet (a server loads it before it listens). */
export function requireRing(keyRing: () => KeyRing | undefined): KeyRing {
  const ring = keyRing();
  if (!ring) throw new Error("the master key is not loaded yet: secret license fields cannot be sealed");
  return ring;
}

/**
 * Seals every secret field value not under the ring's current version: plain
 * ones and ones under an older key (a master-key rotation's second half).
 */
export async function sealSecretFields(
  store: Pick<LicenseFieldsStore, "secretValues" | "replaceValue">,
  ring: KeyRing,
): Promise<SealCounts> {
  let after = { licenseId: 0, name: "" };
  const counts = { sealed: 0, changedMeanwhile: 0, failed: [] as { target: string; reason: string }[] };
  for (;;) {
    const batch = await store.secretValues(after, 100);
    if (batch.length === 0) return counts;
    for (const row of batch) {
      after = { licenseId: row.licenseId, name: row.name };
      if (!needsSealing(ring, row.value)) continue;
      let next: string;
      try {
        next = sealSecretField(
          ring,
          row.licenseId,
          row.name,
          openSecretField(ring, row.licenseId, row.name, row.value),
        );
      } catch (error) {
        if (!(error instanceof MasterKeyError)) throw error;
        counts.failed.push({ target: `license #${row.licenseId} field ${row.name}`, reason: error.message });
        continue;
      }
      if (await store.replaceValue(row.licenseId, row.name, row.value, next)) counts.sealed += 1;
      else counts.changedMeanwhile += 1;
    }
  }
}
