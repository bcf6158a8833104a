/**
 * @module
 * Signed license documents: a JWS in compact form
 * (`<header>.<payload>.<signature>`, base64url, RFC 7515) signed with
 * Ed25519 (`alg: EdDSA`, RFC 8037), header `typ: wharf-license+jws` and the
 * key's `kid`. Any JOSE library verifies it with the published public key;
 * {@link verifyLicenseDocument} does so with node:crypto alone, offline, and
 * refuses any edited byte: each part must be canonical base64url, and the
 * text may end in one newline and nothing else.
 */
import { createPublicKey, type JsonWebKey, type KeyObject, sign, verify } from "node:crypto";
import { LicensingError } from "./licensing-error.ts";

/** What a license document states. */
export interface LicenseDocument {
  readonly format: "wharf-license/v1";
  /** The public handle (`lic_…`). */
  readonly license: string;
  readonly app: string;
  readonly customer: string;
  readonly channel: string;
  readonly entitlements: readonly string[];
  /** ISO time, or null for never. */
  readonly expiresAt: string | null;
  readonly fields: Readonly<Record<string, number | string | boolean>>;
}

/** The header every document carries. */
export const licenseDocumentType = "wharf-license+jws";

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value), "utf8").toString("base64url");

/** Signs `document` with Ed25519 `privateKey` (deterministic: same input, same text). */
export function signLicenseDocument(document: LicenseDocument, privateKey: KeyObject, kid: string): string {
  const input = `${b64({ alg: "EdDSA", typ: licenseDocumentType, kid })}.${b64(document)}`;
  return `${input}.${sign(null, Buffer.from(input, "ascii"), privateKey).toString("base64url")}`;
}

function part(text: string): Buffer {
  const bytes = Buffer.from(text, "base64url");
  if (text.length === 0 || bytes.toString("base64url") !== text) throw new Error("not canonical base64url");
  return bytes;
}

/** A JWK Set: the keys of every rotation, a document picks its own by `kid`. */
export interface JsonWebKeySet {
  readonly keys: readonly (JsonWebKey & { kid?: string })[];
}

/**
 * The document in `text`, verified with `publicKey` (an Ed25519 public JWK, a
 * KeyObject, or a JWK Set whose key with the document's `kid` is used). Throws
 * LicensingError `invalid` when the text is not a license document, no key of
 * the set has its `kid`, or its signature does not match — one edited byte is
 * enough.
 */
export function verifyLicenseDocument(
  text: string,
  publicKey: JsonWebKey | KeyObject | JsonWebKeySet,
): LicenseDocument {
  const refused = (why: string) => new LicensingError("invalid", `the license document is refused: ${why}`);
  const token = text.endsWith("\n") ? text.slice(0, -1) : text;
  const parts = token.split(".");
  if (parts.length !== 3 || !/^[A-Za-z0-9_.-]+$/.test(token)) throw refused("it is not a compact JWS");
  let header: { alg?: unknown; typ?: unknown; kid?: unknown };
  let signature: Buffer;
  let payload: Buffer;
  try {
    header = JSON.parse(part(parts[0]!).toString("utf8"));
    payload = part(parts[1]!);
    signature = part(parts[2]!);
  } catch {
    throw refused("it is not a compact JWS");
  }
  if (header.alg !== "EdDSA" || header.typ !== licenseDocumentType) throw refused("it is not a Wharf license");
  if ("keys" in publicKey && Array.isArray(publicKey.keys)) {
    const chosen = publicKey.keys.find((k) => k.kid === header.kid);
    if (!chosen) throw refused(`no published key has its key id ${JSON.stringify(String(header.kid).slice(0, 40))}`);
    publicKey = chosen;
  }
  const key =
    "type" in publicKey && typeof publicKey.type === "string" && "export" in publicKey
      ? (publicKey as KeyObject)
      : createPublicKey({ key: publicKey as JsonWebKey, format: "jwk" });
  if (key.asymmetricKeyType !== "ed25519") throw refused("the public key is not an Ed25519 key");
  if (!verify(null, Buffer.from(`${parts[0]}.${parts[1]}`, "ascii"), key, signature)) {
    throw refused("its signature does not match (edited, or signed by another key)");
  }
  const document = JSON.parse(payload.toString("utf8")) as LicenseDocument;
  if (document.format !== "wharf-license/v1") throw refused("unknown format");
  return document;
}
