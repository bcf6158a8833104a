/**
 * @module
 * What every credential check shares — `wharf secret check` and `wharf
 * external test`: the stable code each registry-client failure kind becomes
 * (scripts depend on these strings), and the last scrub of a message, which
 * replaces a password (and its base64 `user:password` form) that should
 * never be there in the first place.
 */
import type { FailureKind } from "../registry-client/registry-result.ts";

/** The check code of each registry-client failure kind. */
export const failureCheckCodes = {
  unauthorized: "E_AUTH",
  forbidden: "E_FORBIDDEN",
  "not-found": "E_NOT_FOUND",
  "rate-limited": "E_RATE_LIMITED",
  unreachable: "E_UNREACHABLE",
  tls: "E_TLS",
  protocol: "E_PROTOCOL",
  "forbidden-target": "E_FORBIDDEN_TARGET",
} as const satisfies Record<FailureKind, string>;

/**
 * `message` on one line with `value` and base64 `username:value` replaced by
 * `[redacted]`. Values under 4 characters are left: replacing them would
 * garble every message, and they are not worth guarding.
 */
export function redactCredential(message: string, username: string, value: string | undefined): string {
  let line = message.replace(/\s+/g, " ").trim();
  if (value === undefined) return line;
  for (const form of [value, Buffer.from(`${username}:${value}`).toString("base64")]) {
    if (form.length >= 4) line = line.replaceAll(form, "[redacted]");
  }
  return line;
}
