/**
 * @module
 * High-entropy secrets for API tokens and robots. They are shown once and
 * stored only as a SHA-256 hash: with 256 random bits a slow hash adds
 * nothing, and a fast one lets every request look its token up directly.
 */
import { createHash, randomBytes } from "node:crypto";

/** A new secret with a recognisable prefix (`wharf_pat_…`, `wharf_robot_…`). */
export function newSecret(prefix: "pat" | "robot"): string {
  return `wharf_${prefix}_${randomBytes(32).toString("base64url")}`;
}

/** The stored form of a secret. */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** True when `text` has the shape of a Wharf secret (so it is never tried as a password). */
export function looksLikeSecret(text: string): boolean {
  return /^wharf_(pat|robot)_[A-Za-z0-9_-]{43}$/.test(text);
}

/**
 * `username` as an audit log may show it: a name that is itself a secret
 * (a license id is both username and password) is cut to its prefix
 * (`wharf_lic_…`), anything else to 100 characters.
 */
export function auditableUsername(username: string): string {
  const secret = /^wharf_[a-z]+_/.exec(username);
  return secret ? `${secret[0]}…` : username.slice(0, 100);
}
