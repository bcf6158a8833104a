/**
 * @module
 * Authentication for the management API: HTTP Basic with a username and a
 * password, API token or robot secret, checked on every request by the
 * credential verifier (so a revoked token fails at once). What the
 * principal may do is the management services' decision, not this one's.
 * Failed attempts are audited and rate-limited; nothing secret is logged.
 */
import type { IncomingMessage } from "node:http";
import type { Principal } from "../../accounts/access.ts";
import type { AuditLog } from "../../accounts/audit-log.ts";
import type { CredentialVerifier } from "../../accounts/credential-verifier.ts";
import { auditableUsername } from "../../accounts/secret-token.ts";
import { WharfError } from "../../errors/wharf-error.ts";
import { clientAddress, readCredentials } from "../auth/request-credentials.ts";

const challenge = { "WWW-Authenticate": 'Basic realm="wharf"' };

/** The principal behind the request's Basic credentials; UNAUTHORIZED (401) or TOOMANYREQUESTS (429) otherwise. */
export async function authenticateApiRequest(
  req: IncomingMessage,
  verifier: CredentialVerifier,
  audit: AuditLog,
): Promise<Principal> {
  const credentials = readCredentials(req);
  if (credentials.kind !== "basic") {
    const message =
      credentials.kind === "none"
        ? "authentication required: send Basic credentials (username and password or API token)"
        : "send Basic credentials (username and password or API token)";
    throw new WharfError("UNAUTHORIZED", message, { headers: challenge });
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
      headers: { "Retry-After": String(result.retryAfterSeconds) },
    });
  }
  throw new WharfError("UNAUTHORIZED", "the username, password or token is not valid", { headers: challenge });
}
