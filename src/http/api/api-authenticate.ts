/**
 * @module
 * Authentication for the management API: HTTP Basic with a username and a
 * password, API token or robot secret, checked on every request by the
 * credential verifier (so a revoked token fails at once). What the
 * principal may do is the management services' decision, not this one's.
 * Failed attempts are audited and rate-limited; nothing secret is logged.
 * Without an Authorization header, the portal's session cookie stands for
 * its token (session-cookie.ts); then every request but GET and HEAD must
 * carry the session's CSRF token in `X-CSRF-Token`, or it is refused (403).
 * A license holder's session holds the license id itself (api-session.ts),
 * checked like Basic credentials on every request: revoked, it fails with
 * a message saying so and what to do.
 */
import type { IncomingMessage } from "node:http";
import type { Principal } from "../../accounts/access.ts";
import type { AuditLog } from "../../accounts/audit-log.ts";
import type { CredentialVerifier } from "../../accounts/credential-verifier.ts";
import { auditableUsername } from "../../accounts/secret-token.ts";
import { WharfError } from "../../errors/wharf-error.ts";
import { looksLikeLicenseId as licenseSession } from "../../licensing/license-id.ts";
import { clientAddress, readCredentials } from "../auth/request-credentials.ts";
import { csrfMatches, decodeSession, readCookies, sessionCookie } from "./session-cookie.ts";

const challenge = 'Basic realm="wharf"';

/** The principal behind the request's Basic credentials; UNAUTHORIZED (401) or TOOMANYREQUESTS (429) otherwise. */
export async function authenticateApiRequest(
  req: IncomingMessage,
  verifier: CredentialVerifier,
  audit: AuditLog,
): Promise<Principal> {
  const credentials = readCredentials(req);
  if (credentials.kind === "none") {
    const session = decodeSession(readCookies(req).get(sessionCookie));
    if (session !== undefined) return authenticateSession(req, session, verifier);
  }
  if (credentials.kind !== "basic") {
    const message =
      credentials.kind === "none"
        ? "authentication required: send Basic credentials (username and password or API token)"
        : "send Basic credentials (username and password or API token)";
    throw new WharfError("UNAUTHORIZED", message, { challenge });
  }
  const remote = clientAddress(req);
  const result = await verifier.verify(credentials.username, credentials.secret, remote);
  if (result.ok) return result.principal;
  audit.record({
    actor: auditableUsername(credentials.username),
    action: "login-failed",
    target: "api",
    detail: { reason: result.reason },
    remote,
  });
  if (result.reason === "rate-limited") {
    throw new WharfError("TOOMANYREQUESTS", `too many failed logins; retry in ${result.retryAfterSeconds} s`, {
      retryAfterSeconds: result.retryAfterSeconds,
    });
  }
  throw new WharfError("UNAUTHORIZED", "the username, password or token is not valid", { challenge });
}

const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

/** The principal behind a portal session cookie, with the CSRF check for state-changing methods. */
async function authenticateSession(
  req: IncomingMessage,
  session: { username: string; token: string },
  verifier: CredentialVerifier,
): Promise<Principal> {
  const result = await verifier.verify(session.username, session.token, clientAddress(req));
  if (!result.ok && licenseSession(session.token)) {
    throw new WharfError(
      "UNAUTHORIZED",
      "the license of this session is revoked or expired: ask your vendor for a new license, then sign in with it",
    );
  }
  if (!result.ok || (result.via !== "token" && result.via !== "license")) {
    throw new WharfError("UNAUTHORIZED", "the portal session has expired or was revoked: sign in again");
  }
  if (!safeMethods.has(req.method ?? "") && !csrfMatches(req, session.token)) {
    throw new WharfError("DENIED", "missing or wrong CSRF token: send the X-CSRF-Token header the session gave");
  }
  return result.principal;
}
