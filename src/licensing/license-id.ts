/**
 * @module
 * The secret license id a customer pulls with (`wharf_lic_` and 52 base32
 * characters: 256 random bits), its stored form (SHA-256, hex) and its public
 * handle (`lic_` and the first 16 hex digits of that hash). The handle is
 * derived from the hash so a vendor holding the id can name the license to
 * the API without ever sending the id in a URL; it reveals nothing usable.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

const prefix = "wharf_lic_";
const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
const shape = /^wharf_lic_[a-z2-7]{52}$/;

function base32(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  return bits > 0 ? out + alphabet[(buffer << (5 - bits)) & 31] : out;
}

/** A new secret license id. */
export function newLicenseId(): string {
  return prefix + base32(randomBytes(32));
}

/** True when `text` has the shape of a license id. */
export function looksLikeLicenseId(text: string): boolean {
  return shape.test(text);
}

/** The stored form of a license id: SHA-256, hex. */
export function hashLicenseId(licenseId: string): string {
  return createHash("sha256").update(licenseId).digest("hex");
}

/** The public handle of the license whose secret hashes to `secretHash`. */
export function publicIdOf(secretHash: string): string {
  return `lic_${secretHash.slice(0, 16)}`;
}

/** True when `licenseId` hashes to `secretHash`, compared in constant time. */
export function licenseIdMatches(licenseId: string, secretHash: string): boolean {
  const given = Buffer.from(hashLicenseId(licenseId), "hex");
  const stored = Buffer.from(secretHash, "hex");
  return given.length === stored.length && timingSafeEqual(given, stored);
}
