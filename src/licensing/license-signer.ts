/**
 * @module
 * The license-signing key: one Ed25519 key kept in the database (table
 * `license_signing_keys`, so every node and every backup has the same one),
 * made by the first node that signs. Only its public half leaves Wharf
 * (`publicJwk`), for customers' apps to verify license documents offline.
 */
import { createPrivateKey, generateKeyPairSync, type JsonWebKey, type KeyObject, randomBytes } from "node:crypto";
import type { LicenseFieldsStore } from "../metadata/kysely-license-fields-store.ts";
import { type LicenseDocument, signLicenseDocument } from "./license-document.ts";

/** Signs license documents. */
export interface LicenseSigner {
  /** The public key as a JWK (`kty: OKP`, `crv: Ed25519`, `kid`, `alg: EdDSA`, `use: sig`). */
  publicJwk(): Promise<JsonWebKey & { kid: string }>;
  /** `document` signed (a compact JWS). */
  sign(document: LicenseDocument): Promise<string>;
}

/** Creates the signer over `store`. */
export function createLicenseSigner(
  store: Pick<LicenseFieldsStore, "signingKey" | "addSigningKey">,
  clock: () => number,
): LicenseSigner {
  let loaded: Promise<{ kid: string; key: KeyObject }> | undefined;
  async function load() {
    let row = await store.signingKey();
    if (!row) {
      const { privateKey } = generateKeyPairSync("ed25519");
      const kid = `lsk_${randomBytes(8).toString("hex")}`;
      await store.addSigningKey(kid, JSON.stringify(privateKey.export({ format: "jwk" })), clock());
      row = (await store.signingKey())!;
    }
    return { kid: row.kid, key: createPrivateKey({ key: JSON.parse(row.privateJwk), format: "jwk" }) };
  }
  const key = () => {
    loaded ??= load().catch((error) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };
  return {
    async publicJwk() {
      const { kid, key: privateKey } = await key();
      const { kty, crv, x } = privateKey.export({ format: "jwk" });
      return { kty, crv, x, kid, alg: "EdDSA", use: "sig" };
    },
    async sign(document) {
      const { kid, key: privateKey } = await key();
      return signLicenseDocument(document, privateKey, kid);
    },
  };
}
