/**
 * @module
 * The portal's sign-in, mounted at `/api/v1/session` (before the API): `POST`
 * with `{ username, password }` checks the password (rate-limited and audited
 * like every login), creates an API token `portal-<utc time>-<random>` with
 * the scopes `api` and `*:pull` (repository pages read tags; the registry
 * never reads the cookie), expiring after {@link sessionLifetimeMs}, and sets the
 * session and CSRF cookies (session-cookie.ts); `GET` answers who is signed in
 * and the CSRF token; `DELETE` (cookie and CSRF token) revokes the token and
 * clears the cookies. A session is an ordinary token: `wharf token list` shows
 * it and `DELETE /api/v1/tokens/{name}` ends it.
 * A license holder signs in with the license (the id as password; the id or
 * the customer's e-mail as username, as for `docker login`): the session
 * cookie then holds the id itself, checked on every request, so revoking
 * the license ends the session; `GET` answers `license` (public handle,
 * application, customer) instead of `isAdmin`.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { AuditLog } from "../../accounts/audit-log.ts";
import type { CredentialVerifier } from "../../accounts/credential-verifier.ts";
import type { LicensePrincipal } from "../../accounts/license-authority.ts";
import type { Management } from "../../accounts/management-service.ts";
import { auditableUsername } from "../../accounts/secret-token.ts";
import { WharfError } from "../../errors/wharf-error.ts";
import { clientAddress } from "../auth/request-credentials.ts";
import { readBody } from "../read-body.ts";
import { writeJson } from "../write-error.ts";
import { authenticateApiRequest } from "./api-authenticate.ts";
import { csrfTokenFor, decodeSession, readCookies, sessionCookie, sessionCookies } from "./session-cookie.ts";

/** How long a portal session lives: a working day. */
export const sessionLifetimeMs = 12 * 3_600_000;

const signIn = z.strictObject({ username: z.string().min(1).max(256), password: z.string().min(1).max(8192) });

/** What the session endpoint needs. */
export interface SessionDeps {
  readonly verifier: CredentialVerifier;
  readonly audit: AuditLog;
  readonly tokens: Management["tokens"];
}

function tokenName(): string {
  const time = new Date().toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `portal-${time}-${randomBytes(3).toString("hex")}`;
}

async function readSignIn(req: IncomingMessage) {
  const bytes = await readBody(req, 16 * 1024, "sign-in body");
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch {
    throw new WharfError("INVALID_REQUEST", 'send JSON: {"username": "…", "password": "…"}');
  }
  const parsed = signIn.safeParse(value);
  if (!parsed.success) throw new WharfError("INVALID_REQUEST", "send a username and a password");
  return parsed.data;
}

/** What the portal learns about a license holder's session (never the id). */
function licenseSession(principal: LicensePrincipal) {
  return {
    user: principal.customer,
    license: { id: principal.publicId, app: principal.appSlug, customer: principal.customer },
  };
}

/** Creates the `/api/v1/session` mount handler. */
export function createSessionHandler(deps: SessionDeps) {
  async function create(req: IncomingMessage, res: ServerResponse) {
    const { username, password } = await readSignIn(req);
    const remote = clientAddress(req);
    const result = await deps.verifier.verify(username, password, remote);
    if (result.ok && result.principal.kind === "license") {
      // A license holder's session carries the license id itself, re-checked on every request.
      deps.audit.record({ actor: result.principal.name, action: "login", target: "portal", remote });
      res.setHeader("Set-Cookie", sessionCookies(req, { username, token: password }, sessionLifetimeMs / 1000));
      writeJson(res, 201, { ...licenseSession(result.principal), csrfToken: csrfTokenFor(password) });
      return;
    }
    if (!result.ok || result.via !== "password" || result.principal.kind !== "user") {
      deps.audit.record({
        actor: auditableUsername(username),
        action: "login-failed",
        target: "portal",
        detail: { reason: result.ok ? "not-a-password" : result.reason },
        remote,
      });
      if (!result.ok && result.reason === "rate-limited") {
        throw new WharfError("TOOMANYREQUESTS", `too many failed logins; retry in ${result.retryAfterSeconds} s`, {
          retryAfterSeconds: result.retryAfterSeconds,
        });
      }
      throw new WharfError("UNAUTHORIZED", "the username or password is not valid");
    }
    const caller = { principal: result.principal, remote };
    const made = await deps.tokens.create(caller, {
      name: tokenName(),
      scopes: ["api", "*:pull"],
      expires: `${sessionLifetimeMs / 3_600_000}h`,
    });
    res.setHeader("Set-Cookie", sessionCookies(req, { username, token: made.token }, sessionLifetimeMs / 1000));
    writeJson(res, 201, {
      user: username,
      session: made.name,
      expiresAt: made.expiresAt,
      csrfToken: csrfTokenFor(made.token),
    });
  }

  return async (req: IncomingMessage, res: ServerResponse, _query: URLSearchParams, path: string): Promise<void> => {
    res.setHeader("Cache-Control", "no-store");
    if (path !== "/api/v1/session") throw new WharfError("NOT_FOUND", `no API endpoint at ${path.slice(0, 200)}`);
    if (req.method === "POST") return create(req, res);
    if (req.method !== "GET" && req.method !== "DELETE") {
      throw new WharfError("UNSUPPORTED", "use GET, POST or DELETE on /api/v1/session", {
        allow: ["GET", "POST", "DELETE"],
      });
    }
    const session = decodeSession(readCookies(req).get(sessionCookie));
    if (session === undefined || req.headers.authorization !== undefined) {
      throw new WharfError("UNAUTHORIZED", "no portal session: sign in with POST /api/v1/session");
    }
    const principal = await authenticateApiRequest(req, deps.verifier, deps.audit);
    if (principal.kind === "license") {
      if (req.method === "GET") {
        writeJson(res, 200, { ...licenseSession(principal), csrfToken: csrfTokenFor(session.token) });
        return;
      }
      res.setHeader("Set-Cookie", sessionCookies(req, undefined, 0));
      res.statusCode = 204;
      res.end();
      return;
    }
    if (principal.kind !== "token") throw new WharfError("UNAUTHORIZED", "no portal session: sign in again");
    if (req.method === "GET") {
      writeJson(res, 200, {
        user: principal.name,
        isAdmin: principal.isAdmin,
        session: principal.tokenName,
        csrfToken: csrfTokenFor(session.token),
      });
      return;
    }
    await deps.tokens.revoke({ principal, remote: clientAddress(req) }, principal.tokenName);
    res.setHeader("Set-Cookie", sessionCookies(req, undefined, 0));
    res.statusCode = 204;
    res.end();
  };
}
