/**
 * @module
 * Signed license documents: a document verifies with its key, is
 * deterministic, and is refused after any one byte is changed, with
 * another key, or with anything appended.
 */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { test } from "node:test";
import { type LicenseDocument, signLicenseDocument, verifyLicenseDocument } from "./license-document.ts";
import { LicensingError } from "./licensing-error.ts";

const document: LicenseDocument = {
  format: "wharf-license/v1",
  license: "lic_0123456789abcdef",
  app: "myapp",
  customer: "globex",
  channel: "stable",
  entitlements: ["myapp/*"],
  expiresAt: null,
  fields: { seats: 25, tier: "gold", sso: true },
};
const { privateKey, publicKey } = generateKeyPairSync("ed25519");
const jwk = publicKey.export({ format: "jwk" });

test("a signed document verifies with the public key and is deterministic", () => {
  const text = signLicenseDocument(document, privateKey, "lsk_1");
  assert.equal(signLicenseDocument(document, privateKey, "lsk_1"), text);
  assert.deepEqual(verifyLicenseDocument(text, jwk), document);
  assert.deepEqual(verifyLicenseDocument(`${text}\n`, publicKey), document);
});

test("every edited byte, another key and appended bytes are refused", () => {
  const text = `${signLicenseDocument(document, privateKey, "lsk_1")}\n`;
  for (let at = 0; at < text.length; at++) {
    const bytes = Buffer.from(text, "ascii");
    bytes[at]! ^= 1;
    assert.throws(() => verifyLicenseDocument(bytes.toString("latin1"), jwk), LicensingError, `byte ${at}`);
  }
  const other = generateKeyPairSync("ed25519").publicKey.export({ format: "jwk" });
  assert.throws(() => verifyLicenseDocument(text, other), /signature does not match/);
  assert.throws(() => verifyLicenseDocument(`${text} `, jwk), LicensingError);
  assert.throws(() => verifyLicenseDocument(`${text}\n`, jwk), LicensingError);
  assert.throws(() => verifyLicenseDocument("not a document", jwk), /not a compact JWS/);
});
