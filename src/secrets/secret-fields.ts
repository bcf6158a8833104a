/**
 * @module
 * The credential fields of a pull secret: username, password (or token) and
 * the optional e-mail the product's form asks for. They end up base64-encoded
 * as Docker's `auth` value `user:password`, so a username cannot hold ':'
 * (the password may: Docker splits at the first ':'). Limits keep a pasted
 * file from becoming a "password" and keep rendered secrets small.
 */
import { SecretsError } from "./secrets-error.ts";

/** Longest accepted username, in characters. */
export const maxUsernameLength = 255;
/** Longest accepted password or token, in UTF-8 bytes (8 KiB: registry tokens such as ECR's are ~2-3 KiB). */
export const maxPasswordBytes = 8192;
/** Longest accepted e-mail address, in characters (RFC 5321's path limit). */
export const maxEmailLength = 254;

/** The fields a user gives for a secret. */
export interface SecretFields {
  readonly username: string;
  readonly password: string;
  /** Absent or "" means no e-mail. */
  readonly email?: string;
}

const controlChars = /[\u0000-\u001f\u007f-\u009f]/;
const atext = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+$/;
const domainLabel = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * Undefined when `username` is usable, else what to change. Rules: not
 * empty; at most 255 characters (code points); no control characters
 * (C0, DEL, C1: usually a pasted newline); no ':'.
 */
export function validateUsername(username: string): string | undefined {
  if (username === "") return "username is empty: give the user name you log in to the registry with";
  const length = [...username].length;
  if (length > maxUsernameLength) {
    return `username must be at most ${maxUsernameLength} characters (got ${length})`;
  }
  if (controlChars.test(username)) {
    return "username contains a control character (such as a newline or tab): remove it";
  }
  if (username.includes(":")) {
    return "username must not contain ':' because Docker stores credentials as user:password: remove it";
  }
  return undefined;
}

/**
 * Undefined when `password` (a password or an access token) is usable, else
 * what to change. Rules: not empty; at most 8 KiB in UTF-8. Any character,
 * ':' included, is allowed: trimming a trailing newline from stdin is the
 * caller's job, as with `docker login --password-stdin`.
 */
export function validatePassword(password: string): string | undefined {
  if (password === "") return "password is empty: give the password or access token for the registry";
  const bytes = Buffer.byteLength(password, "utf8");
  if (bytes > maxPasswordBytes) {
    return `password must be at most ${maxPasswordBytes} bytes (got ${bytes}): check that a token, not a file, was pasted`;
  }
  return undefined;
}

/**
 * Undefined when `email` is absent, "" or a plausible address, else what to
 * change. A simple RFC 5322 subset: `local@domain`, at most 254 characters;
 * the local part (≤ 64) is dot-separated atoms of RFC 5322 `atext` (no
 * quoted strings); the domain is at least two DNS labels (no IP literals).
 */
export function validateEmail(email: string | undefined): string | undefined {
  if (email === undefined || email === "") return undefined;
  if (email.length > maxEmailLength) {
    return `e-mail must be at most ${maxEmailLength} characters (got ${email.length})`;
  }
  const at = email.lastIndexOf("@");
  const local = email.slice(0, at);
  const labels = email.slice(at + 1).split(".");
  const localOk = at > 0 && local.length <= 64 && local.split(".").every((atom) => atext.test(atom));
  const domainOk = labels.length >= 2 && labels.every((label) => domainLabel.test(label));
  if (localOk && domainOk) return undefined;
  return `e-mail ${JSON.stringify(email)} is not a valid address: write it as name@example.com, or leave it out`;
}

/** Every problem of `fields`, in field order; empty when all are valid. */
export function checkSecretFields(fields: SecretFields): string[] {
  const problems = [validateUsername(fields.username), validatePassword(fields.password), validateEmail(fields.email)];
  return problems.filter((problem) => problem !== undefined);
}

/**
 * Throws SecretsError `invalid-input` listing every problem of `fields`
 * ("; "-separated); returns nothing when all are valid. Never echoes the password.
 */
export function assertSecretFields(fields: SecretFields): void {
  const problems = checkSecretFields(fields);
  if (problems.length > 0) throw new SecretsError("invalid-input", problems.join("; "));
}
