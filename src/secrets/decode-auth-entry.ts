/**
 * @module
 * One `auths` entry of a Docker `config.json`, decoded the way Docker reads
 * it: the `auth` field (base64 of `user:password`, split at the first ':' so
 * the password may hold ':') wins over `username`/`password`, and an
 * `identitytoken` makes the entry an identity-token credential. Malformed
 * data is an error naming the entry; an entry that is merely incomplete is
 * reported so the importer can explain it instead of failing the whole file.
 */

import { identityTokenUsername } from "./registry-credential.ts";
import { SecretsError } from "./secrets-error.ts";

/** What an entry holds: a credential's fields, nothing at all, or a reason it is unusable. */
export type DecodedAuthEntry =
  | {
      readonly kind: "password";
      readonly username: string;
      readonly password: string;
      readonly email?: string;
    }
  | {
      readonly kind: "identity-token";
      readonly username: string;
      readonly identityToken: string;
      readonly email?: string;
    }
  | { readonly kind: "empty" }
  | { readonly kind: "unusable"; readonly why: string };

const base64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes the entry `entry` filed under `key`. Returns `empty` for `{}` (or
 * only empty strings), `unusable` for a username without password or a
 * `registrytoken` only (a short-lived bearer token Wharf cannot renew).
 * Throws SecretsError `invalid-input` naming `key` when the entry is not an
 * object, a field is not a string, `auth` is not base64 or not UTF-8, or it
 * decodes without ':'.
 */
export function decodeAuthEntry(key: string, entry: unknown): DecodedAuthEntry {
  const where = `auths entry ${JSON.stringify(key)}`;
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
    throw new SecretsError("invalid-input", `${where} must be an object such as {"auth": "<base64 of user:password>"}`);
  }
  const field = (name: string): string => {
    const value = (entry as Record<string, unknown>)[name];
    if (value === undefined || value === null) return "";
    if (typeof value !== "string") throw new SecretsError("invalid-input", `${where}: "${name}" must be a string`);
    return value;
  };
  const auth = field("auth");
  const [username, password] = auth !== "" ? decodeAuth(auth, where) : [field("username"), field("password")];
  const email = field("email") || undefined;
  const identityToken = field("identitytoken");
  if (identityToken !== "") {
    return {
      kind: "identity-token",
      username: username || identityTokenUsername,
      identityToken,
      email,
    };
  }
  if (username !== "" && password !== "") return { kind: "password", username, password, email };
  if (username !== "") return { kind: "unusable", why: "it has a username but no password" };
  if (field("registrytoken") !== "") {
    return {
      kind: "unusable",
      why: "it holds only a registry token, which expires and cannot be renewed by Wharf",
    };
  }
  return { kind: "empty" };
}

/** `[user, password]` from Docker's `auth` value; the password keeps any further ':'. */
function decodeAuth(auth: string, where: string): [string, string] {
  const text = auth.trim();
  if (!base64.test(text) || text.length % 4 === 1) {
    throw new SecretsError(
      "invalid-input",
      `${where}: "auth" is not valid base64: copy it again from config.json, or give username and password instead`,
    );
  }
  let decoded: string;
  try {
    decoded = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(text, "base64"));
  } catch {
    throw new SecretsError(
      "invalid-input",
      `${where}: "auth" does not decode to UTF-8 text: copy it again from config.json`,
    );
  }
  const colon = decoded.indexOf(":");
  if (colon < 0) {
    throw new SecretsError(
      "invalid-input",
      `${where}: "auth" must be base64 of user:password, but its decoded text has no ':'`,
    );
  }
  return [decoded.slice(0, colon), decoded.slice(colon + 1)];
}
