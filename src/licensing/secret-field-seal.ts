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
import type { SealCounts } from "../secrets/seal-counts.ts";
import { newTally, openAtRest, resealRows } from "../secrets/sealed-at-rest.ts";
import { encryptSecret } from "../secrets/secret-cipher.ts";

const associatedData = (licenseId: number, name: string) => `license-field:${licenseId}:${name}`;

/** `text` sealed for field `name` of license row `licenseId`. */
export function sealSecretField(ring: KeyRing, licenseId: number, name: string, text: string): string {
  return encryptSecret(ring, text, associatedData(licenseId, name));
}

/** The plaintext of a stored secret field value (sealed, or marked plain). Throws MasterKeyError naming the field. */
export function openSecretField(ring: KeyRing | undefined, licenseId: number, name: string, stored: string): string {
  return openAtRest(ring, stored, associatedData(licenseId, name), `license field ${name} of license #${licenseId}`);
}

/**
 * Seals every secret field value not under the ring's current version: plain
 * ones and ones under an older key (a master-key rotation's second half);
 * with `onlyPlain`, only the plain ones (the pass at start, which reads
 * nothing else).
 */
export async function sealSecretFields(
  store: Pick<LicenseFieldsStore, "secretValues" | "replaceValue">,
  ring: KeyRing,
  onlyPlain = false,
): Promise<SealCounts> {
  const tally = newTally();
  let after = { licenseId: 0, name: "" };
  for (;;) {
    const batch = await store.secretValues(after, 100, onlyPlain);
    if (batch.length === 0) return tally;
    const last = batch.at(-1)!;
    after = { licenseId: last.licenseId, name: last.name };
    await resealRows(
      ring,
      batch,
      {
        stored: (row) => row.value,
        associatedData: (row) => associatedData(row.licenseId, row.name),
        label: (row) => `license field ${row.name} of license #${row.licenseId}`,
        replace: (row, expected, next) => store.replaceValue(row.licenseId, row.name, expected, next),
      },
      tally,
    );
  }
}
