/**
 * @module
 * The license-signing keys: Ed25519 keys kept in the database (table
 * `license_signing_keys`, so every node and every backup has the same ones),
 * their private halves sealed under the master key. The newest key signs;
 * every key ever used keeps verifying, so a rotation never invalidates a
 * document already handed to a customer. The first node that signs makes the
 * first key; a rotation adds one, and every node signs with it from its next
 * document on (the table is read per signature: signing is rare). Only
 * public halves leave Wharf (`publicJwk`, `publicJwks`), for customers' apps
 * to verify license documents offline.
 */
import { createPrivateKey, generateKeyPairSync, type JsonWebKey, type KeyObject, randomBytes } from "node:crypto";
import type { LicenseFieldsStore } from "../metadata/kysely-license-fields-store.ts";
import type { KeyRing } from "../secrets/key-ring.ts";
import type { SealCounts } from "../secrets/seal-counts.ts";
import { newTally, openAtRest, plainJson, requireRing, resealRows } from "../secrets/sealed-at-rest.ts";
import { encryptSecret } from "../secrets/secret-cipher.ts";
import { type LicenseDocument, signLicenseDocument } from "./license-document.ts";

/** A public license-signing key as a JWK (`kty: OKP`, `crv: Ed25519`, `kid`, `alg: EdDSA`, `use: sig`). */
export type PublicSigningJwk = JsonWebKey & { kid: string };

/** Signs license documents and publishes the keys that verify them. */
export interface LicenseSigner {
  /** The current (newest) public key. */
  publicJwk(): Promise<PublicSigningJwk>;
  /** Every public key, oldest first: a JWK Set documents verify against by `kid`. */
  publicJwks(): Promise<{ keys: PublicSigningJwk[] }>;
  /** `document` signed with the newest key (a compact JWS). */
  sign(document: LicenseDocument): Promise<string>;
  /** Adds a new key that signs from now on; its public half. */
  rotate(): Promise<PublicSigningJwk>;
  /**
   * Seals under the ring's current version every key that is not yet: plain
   * ones (written before keys were sealed) and ones under an older master
   * key. The keys that changed meanwhile and those that failed to open are counted apart.
   */
  reseal(ring: KeyRing): Promise<SealCounts>;
}

type Store = Pick<LicenseFieldsStore, "signingKeys" | "addSigningKey" | "replaceSigningKey">;

/** The associated data that binds a sealed private key to its key id. */
export const licenseKeyAssociatedData = (kid: string) => `license-signing-key:${kid}`;

/** Creates the signer over `store`, sealing with the ring `keyRing` returns. */
export function createLicenseSigner(
  store: Store,
  clock: () => number,
  keyRing: () => KeyRing | undefined,
): LicenseSigner {
  const opened = new Map<string, KeyObject>();
  const open = (row: { kid: string; privateJwk: string }): KeyObject => {
    let key = opened.get(row.kid);
    if (!key) {
      const jwk = openAtRest(
        keyRing(),
        row.privateJwk,
        licenseKeyAssociatedData(row.kid),
        `license-signing key ${row.kid}`,
        plainJson,
      );
      key = createPrivateKey({ key: JSON.parse(jwk), format: "jwk" });
      opened.set(row.kid, key);
    }
    return key;
  };
  async function add(): Promise<string> {
    const { privateKey } = generateKeyPairSync("ed25519");
    const kid = `lsk_${randomBytes(8).toString("hex")}`;
    const jwk = JSON.stringify(privateKey.export({ format: "jwk" }));
    await store.addSigningKey(
      kid,
      encryptSecret(requireRing(keyRing, "license-signing keys"), jwk, licenseKeyAssociatedData(kid)),
      clock(),
    );
    return kid;
  }
  async function keys() {
    let rows = await store.signingKeys();
    if (rows.length === 0) {
      await add();
      rows = await store.signingKeys();
    }
    return rows;
  }
  const publicOf = (row: { kid: string; privateJwk: string }): PublicSigningJwk => {
    const { kty, crv, x } = open(row).export({ format: "jwk" });
    return { kty, crv, x, kid: row.kid, alg: "EdDSA", use: "sig" };
  };
  return {
    async publicJwk() {
      return publicOf((await keys()).at(-1)!);
    },
    async publicJwks() {
      return { keys: (await keys()).map(publicOf) };
    },
    async sign(document) {
      const newest = (await keys()).at(-1)!;
      return signLicenseDocument(document, open(newest), newest.kid);
    },
    async rotate() {
      const kid = await add();
      const row = (await store.signingKeys()).find((r) => r.kid === kid)!;
      return publicOf(row);
    },
    async reseal(current) {
      return resealRows(
        current,
        await store.signingKeys(),
        {
          stored: (row) => row.privateJwk,
          associatedData: (row) => licenseKeyAssociatedData(row.kid),
          label: (row) => `license-signing key ${row.kid}`,
          legacy: plainJson,
          replace: (row, expected, next) => store.replaceSigningKey(row.kid, expected, next),
        },
        newTally(),
      );
    },
  };
}
