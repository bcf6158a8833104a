/**
 * @module
 * `GET|POST /auth/token`: the Docker token endpoint (distribution
 * `docs/spec/auth/token.md` and `oauth.md`). GET takes optional Basic
 * credentials and `scope`/`service`/`offline_token`; POST takes the OAuth2
 * `password` and `refresh_token` grants as a form. Either way the token
 * grants only what the subject may do — asking for more is not an error.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Principal } from "../../accounts/access.ts";
import type { AuditLog } from "../../accounts/audit-log.ts";
import type { CredentialVerifier, Verification } from "../../accounts/credential-verifier.ts";
import { grantAccess } from "../../accounts/grant-access.ts";
import type { PermissionResolver } from "../../accounts/permission-resolver.ts";
import type { RegistryTokens } from "../../accounts/registry-tokens.ts";
import { auditableUsername } from "../../accounts/secret-token.ts";
import { formatTokenScope, parseTokenScopes } from "../../accounts/token-scope.ts";
import { WharfError } from "../../errors/wharf-error.ts";
import { readBody } from "../read-body.ts";
import { writeJson } from "../write-error.ts";
import { clientAddress, readCredentials } from "./request-credentials.ts";

/** What the endpoint needs. */
export interface TokenEndpointDeps {
  readonly verifier: CredentialVerifier;
  readonly resolver: PermissionResolver;
  readonly tokens: RegistryTokens;
  readonly audit: AuditLog;
  readonly service: string;
}

const maxFormBytes = 64 * 1024;

function checkService(service: string | null, expected: string): void {
  if (service !== null && service !== "" && service !== expected) {
    throw new WharfError(
      "INVALID_REQUEST",
      `this token endpoint serves service "${expected}", not ${JSON.stringify(service.slice(0, 100))}`,
    );
  }
}

function loginFailure(result: Exclude<Verification, { ok: true }>): WharfError {
  if (result.reason === "rate-limited") {
    return new WharfError("TOOMANYREQUESTS", `too many failed logins; retry in ${result.retryAfterSeconds} s`, {
      retryAfterSeconds: result.retryAfterSeconds,
    });
  }
  return new WharfError("UNAUTHORIZED", "the username, password or token is not valid", {
    challenge: 'Basic realm="wharf"',
  });
}

/** Creates the endpoint handler. */
export function createTokenEndpoint(deps: TokenEndpointDeps) {
  async function login(req: IncomingMessage, username: string, secret: string): Promise<Principal> {
    const remote = clientAddress(req);
    const result = await deps.verifier.verify(username, secret, remote);
    deps.audit.record({
      actor: result.ok ? result.principal.name : auditableUsername(username),
      action: result.ok ? "login" : "login-failed",
      target: "registry",
      detail: result.ok ? { via: result.via } : { reason: result.reason },
      remote,
    });
    if (!result.ok) throw loginFailure(result);
    return result.principal;
  }

  async function respond(
    res: ServerResponse,
    principal: Principal,
    scopes: string[],
    refresh: boolean,
    oauth: boolean,
  ) {
    const granted = await grantAccess(deps.resolver, principal, parseTokenScopes(scopes));
    const token = await deps.tokens.issueAccess(principal, granted);
    const body: Record<string, unknown> = {
      token,
      access_token: token,
      expires_in: deps.tokens.ttlSeconds,
      issued_at: new Date().toISOString(),
    };
    if (oauth) body.scope = granted.map(formatTokenScope).join(" ");
    if (refresh && principal.kind !== "anonymous") {
      body.refresh_token = await deps.tokens.issueRefresh(principal, await deps.verifier.epochOf(principal));
    }
    res.setHeader("Cache-Control", "no-store");
    writeJson(res, 200, body);
  }

  async function viaGet(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
    checkService(query.get("service"), deps.service);
    const credentials = readCredentials(req);
    if (credentials.kind === "malformed" || credentials.kind === "bearer") {
      throw new WharfError("UNAUTHORIZED", "send Basic credentials (username and password or token) or none");
    }
    parseTokenScopes(query.getAll("scope"));
    const principal =
      credentials.kind === "basic"
        ? await login(req, credentials.username, credentials.secret)
        : ({ kind: "anonymous", name: "anonymous" } as const);
    await respond(res, principal, query.getAll("scope"), query.get("offline_token") === "true", false);
  }

  async function viaPost(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams((await readBody(req, maxFormBytes, "token request")).toString("utf8"));
    checkService(form.get("service"), deps.service);
    const scopes = form.getAll("scope");
    parseTokenScopes(scopes);
    const grant = form.get("grant_type");
    if (grant === "password") {
      const principal = await login(req, form.get("username") ?? "", form.get("password") ?? "");
      return respond(res, principal, scopes, form.get("access_type") === "offline", true);
    }
    if (grant === "refresh_token") {
      const claims = await deps.tokens.verifyRefresh(form.get("refresh_token") ?? "");
      const [kind, id] = (claims?.principal ?? "").split(":") as [Principal["kind"], string];
      const principal = claims ? await deps.verifier.principalOf(kind, Number(id), claims.epoch) : undefined;
      if (!principal) {
        throw new WharfError(
          "UNAUTHORIZED",
          "the refresh token is invalid, expired, or its user or token was revoked (or the password changed since); log in again",
        );
      }
      return respond(res, principal, scopes, false, true);
    }
    throw new WharfError("INVALID_REQUEST", 'grant_type must be "password" or "refresh_token"');
  }

  return async (req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> => {
    if (req.method === "GET") return viaGet(req, res, query);
    if (req.method === "POST") return viaPost(req, res);
    throw new WharfError("UNSUPPORTED", "use GET or POST on /auth/token", { allow: ["GET", "POST"] });
  };
}
