/**
 * @module
 * One pass over every value licensing keeps sealed under the master key —
 * license-signing keys, secret license field values, the sealed license ids
 * chart delivery renders pull secrets from — sealing under the ring's current
 * version whatever is not yet (plain values from before 0016, values under an
 * older master key). The server runs it once at start and as part of a
 * master-key rotation; running it twice does nothing the second time.
 */
import type { LicenseFieldsStore } from "../metadata/kysely-license-fields-store.ts";
import type { KeyRing } from "../secrets/key-ring.ts";
import { type SealCounts, sumSeals } from "../secrets/seal-counts.ts";
import { newTally, resealRows } from "../secrets/sealed-at-rest.ts";
import type { LicenseSigner } from "./license-signer.ts";
import { sealSecretFields } from "./secret-field-seal.ts";

type Store = Pick<LicenseFieldsStore, "secretValues" | "replaceValue" | "sealedIds" | "replaceSealedId">;

/** Re-seals the sealed license ids not under the current version (bound to the public handle, as written). */
async function resealLicenseIds(store: Store, ring: KeyRing): Promise<SealCounts> {
  const tally = newTally();
  let afterId = 0;
  for (;;) {
    const batch = await store.sealedIds(afterId, 100);
    if (batch.length === 0) return tally;
    afterId = batch.at(-1)!.id;
    await resealRows(
      ring,
      batch,
      {
        stored: (row) => row.sealedId,
        associatedData: (row) => row.publicId,
        label: (row) => `license ${row.publicId}`,
        replace: (row, expected, next) => store.replaceSealedId(row.id, expected, next),
      },
      tally,
    );
  }
}

/** Seals every licensing value not under `ring`'s current version; the summed counts. */
export async function sealLicensingValues(store: Store, signer: LicenseSigner, ring: KeyRing): Promise<SealCounts> {
  return sumSeals([
    await signer.reseal(ring),
    await sealSecretFields(store, ring),
    await resealLicenseIds(store, ring),
  ]);
}

/**
 * The pass a server runs at start: seals only what is still plain (values
 * written before 0016, keys written before they were sealed), reading the
 * small key table and the rows marked plain — never every license.
 */
export async function sealPlainLicensingValues(
  store: Store,
  signer: LicenseSigner,
  ring: KeyRing,
): Promise<SealCounts> {
  return sumSeals([await signer.reseal(ring), await sealSecretFields(store, ring, true)]);
}
