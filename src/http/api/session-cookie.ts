/**
 * @module
 * The portal's session cookies. `wharf_session` (HttpOnly, SameSite=Strict,
 * Secure under TLS) carries the user name and a short-lived API token made at
 * sign-in, so a session is revocable (revoke the token) and expires (the
 * token's expiry). `wharf_csrf` (readable by the page, SameSite=Strict) holds
 * the CSRF token, derived from the session token: a state-changing request
 * authenticated by the cookie must echo it in `X-CSRF-Token` (double submit,
 * and a planted cookie cannot match a session the attacker does not hold).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { requestOrigin } from "../request-origin.ts";

/** The session cookie's name. */
export const sessionCookie = "wharf_session";
/** The CSRF cookie's name (the page reads it and echoes it in {@link csrfHeader}). */
export const csrfCookie = "wharf_csrf";
/** The request header that must repeat the CSRF token. */
export const csrfHeader = "x-csrf-token";

/** What the session cookie holds. */
export interface SessionCredentials {
  readonly username: string;
  readonly token: string;
}

/** The cookies of a request, by name (the first of each name wins; at most 50 read). */
export function readCookies(req: IncomingMessage): Map<string, string> {
  const cookies = new Map<string, string>();
  const header = req.headers.cookie;
  if (typeof header !== "string" || header.length > 16_384) return cookies;
  for (const part of header.split(";").slice(0, 50)) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!cookies.has(name)) cookies.set(name, part.slice(eq + 1).trim());
  }
  return cookies;
}

/** Encodes the session cookie's value. */
export function encodeSession(session: SessionCredentials): string {
  return `${Buffer.from(session.username).toString("base64url")}.${Buffer.from(session.token).toString("base64url")}`;
}

/** Decodes the session cookie's value; undefined when it is not one. */
export function decodeSession(value: string | undefined): SessionCredentials | undefined {
  if (value === undefined || value.length > 4096) return undefined;
  const [user, token, extra] = value.split(".");
  if (!user || !token || extra !== undefined) return undefined;
  const username = Buffer.from(user, "base64url").toString("utf8");
  const secret = Buffer.from(token, "base64url").toString("utf8");
  return username && secret ? { username, token: secret } : undefined;
}

/** The CSRF token that belongs to a session token. */
export function csrfTokenFor(sessionToken: string): string {
  return createHash("sha256").update(`wharf-csrf\0${sessionToken}`).digest("base64url");
}

/** True when the request's `X-CSRF-Token` header is the session's CSRF token (constant-time). */
export function csrfMatches(req: IncomingMessage, sessionToken: string): boolean {
  const sent = req.headers[csrfHeader];
  if (typeof sent !== "string") return false;
  const expected = Buffer.from(csrfTokenFor(sessionToken));
  const given = Buffer.from(sent);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** `Set-Cookie` values that start a session (`maxAgeSeconds`) or, with 0, end it. */
export function sessionCookies(
  req: IncomingMessage,
  session: SessionCredentials | undefined,
  maxAgeSeconds: number,
): string[] {
  const secure = requestOrigin(req).publicOrigin.startsWith("https:") ? "; Secure" : "";
  const common = `Path=/; SameSite=Strict; Max-Age=${session ? maxAgeSeconds : 0}${secure}`;
  const value = session ? encodeSession(session) : "";
  const csrf = session ? csrfTokenFor(session.token) : "";
  return [`${sessionCookie}=${value}; HttpOnly; ${common}`, `${csrfCookie}=${csrf}; ${common}`];
}
