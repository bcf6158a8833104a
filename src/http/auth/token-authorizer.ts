/**
 * @module
 * The registry's real authorizer: Docker token auth with Basic as a
 * convenience. A Bearer token must carry every access the request needs
 * (else 401 with an `insufficient_scope` challenge, so clients fetch a new
 * one); Basic credentials (password, API token, robot secret) are checked on
 * every request and their grants computed on the spot; no credentials means
 * anonymous, which may pull public repositories and gets a 401 challenge
 * for anything else — including `GET /v2/`, as `docker login` expects.
 * A license's Bearer token is re-checked on every request (its principal is
 * never cached), so a revoked or expired license is refused at once; a
 * license asking for a repository it is not entitled to gets the answer of
 * a missing repository, so it cannot learn which images exist.
 */
import type { IncomingMessage } from "node:http";
import { type Access, anonymous, type Principal } from "../../accounts/access.ts";
import type { CredentialVerifier } from "../../accounts/credential-verifier.ts";
import { denialMessage } from "../../accounts/denial-message.ts";
import { covers, grantAccess } from "../../accounts/grant-access.ts";
import type { PermissionResolver } from "../../accounts/permission-resolver.ts";
import type { RegistryTokens } from "../../accounts/registry-tokens.ts";
import { formatTokenScope } from "../../accounts/token-scope.ts";
import { errorCodes } from "../../errors/error-codes.ts";
import { WharfError } from "../../errors/wharf-error.ts";
import type { AuthDecision, Authorizer } from "../authorizer.ts";
import { requestOrigin } from "../request-origin.ts";
import { clientAddress, readCredentials } from "./request-credentials.ts";

/** What the authorizer needs. */
export interface TokenAuthorizerDeps {
  readonly verifier: CredentialVerifier;
  readonly resolver: PermissionResolver;
  readonly tokens: RegistryTokens;
  readonly service: string;
  /** The public base URL; when unset, the realm is derived from the request's Host. */
  readonly publicUrl: string | undefined;
}

/** The token endpoint's URL for a request: under `publicUrl`, else under the request's origin (request-origin.ts). */
export function tokenRealm(req: IncomingMessage, publicUrl: string | undefined): string {
  if (publicUrl) return `${publicUrl.replace(/\/$/, "")}/auth/token`;
  return `${requestOrigin(req).publicOrigin}/auth/token`;
}

/** Creates the authorizer. */
export function createTokenAuthorizer(deps: TokenAuthorizerDeps): Authorizer {
  const principals = new Map<string, Principal>();

  function challenge(req: IncomingMessage, needed: readonly Access[], error?: string): WharfError {
    const scope = needed.map(formatTokenScope).join(" ");
    const parts = [`realm="${tokenRealm(req, deps.publicUrl)}"`, `service="${deps.service}"`];
    if (scope) parts.push(`scope="${scope}"`);
    if (error) parts.push(`error="${error}"`);
    return new WharfError("UNAUTHORIZED", "authentication required: log in (docker login / skopeo login) and retry", {
      challenge: `Bearer ${parts.join(",")}`,
      detail: needed.length > 0 ? needed : undefined,
    });
  }

  async function bearerPrincipal(key: string, subject: string): Promise<Principal | undefined> {
    if (key.startsWith("license:")) return deps.verifier.principalOf("license", Number(key.slice(8)));
    const cached = principals.get(key);
    if (cached) return cached;
    const [kind, id] = key.split(":") as [Principal["kind"], string];
    const principal = (await deps.verifier.principalOf(kind, Number(id))) ?? {
      ...anonymous,
      name: subject || "anonymous",
    };
    if (principals.size > 10_000) principals.clear();
    principals.set(key, principal as Principal);
    return principal as Principal;
  }

  async function viaBearer(req: IncomingMessage, token: string, needed: readonly Access[]): Promise<AuthDecision> {
    const verified = await deps.tokens.verifyAccess(token);
    if (!verified) return { ok: false, error: challenge(req, needed, "invalid_token") };
    const subject = await bearerPrincipal(verified.principal, verified.subject);
    if (!subject) return { ok: false, error: challenge(req, needed, "invalid_token") };
    if (!covers(verified.access, needed)) return { ok: false, error: await outOfScope(req, subject, needed) };
    return { ok: true, subject };
  }

  /**
   * A token lacking access: a new token helps (401) unless a known subject
   * may not (403). A HEAD answer has no body to carry the reason, and
   * clients print a bodiless 403 as a bare "403 (Forbidden)" but a 401 as
   * "requested access to the resource is denied", so HEAD stays a 401. A
   * license is never told more than 401: whether an image it is not
   * entitled to exists stays hidden.
   */
  async function outOfScope(req: IncomingMessage, subject: Principal, needed: readonly Access[]): Promise<WharfError> {
    if (subject.kind === "anonymous" || subject.kind === "license" || req.method === "HEAD") {
      return challenge(req, needed, "insufficient_scope");
    }
    const granted = await grantAccess(deps.resolver, subject, needed);
    if (covers(granted, needed)) return challenge(req, needed, "insufficient_scope");
    return denied(subject, granted, needed);
  }

  async function viaBasic(
    req: IncomingMessage,
    username: string,
    secret: string,
    needed: readonly Access[],
  ): Promise<AuthDecision> {
    const result = await deps.verifier.verify(username, secret, clientAddress(req));
    if (!result.ok && result.reason === "rate-limited") {
      const error = new WharfError(
        "TOOMANYREQUESTS",
        `too many failed logins; retry in ${result.retryAfterSeconds} s`,
        { retryAfterSeconds: result.retryAfterSeconds },
      );
      return { ok: false, error };
    }
    if (!result.ok) return { ok: false, error: challenge(req, needed, "invalid_token") };
    const granted = await grantAccess(deps.resolver, result.principal, needed);
    if (!covers(granted, needed)) {
      if (result.principal.kind === "license" && needed.every((a) => a.actions.every((x) => x === "pull"))) {
        return { ok: false, error: new WharfError("NAME_UNKNOWN") };
      }
      return { ok: false, error: denied(result.principal, granted, needed) };
    }
    return { ok: true, subject: result.principal };
  }

  return {
    async authorize(req, accesses) {
      const credentials = readCredentials(req);
      if (credentials.kind === "bearer") return viaBearer(req, credentials.token, accesses);
      if (credentials.kind === "basic") return viaBasic(req, credentials.username, credentials.secret, accesses);
      if (credentials.kind === "malformed") return { ok: false, error: challenge(req, accesses, "invalid_request") };
      if (accesses.length === 0) return { ok: false, error: challenge(req, accesses) };
      const granted = await grantAccess(deps.resolver, anonymous, accesses);
      if (covers(granted, accesses)) return { ok: true, subject: anonymous };
      return { ok: false, error: challenge(req, accesses) };
    },
    canPull: (subject, repository) => deps.resolver.canPull(subject, repository),
    async visibleRepositories(subject, repositories) {
      const visible: string[] = [];
      for (const name of repositories) if (await deps.resolver.canPull(subject, name)) visible.push(name);
      return visible;
    },
  };
}

/**
 * 403 DENIED whose message starts with the code's own words, which clients
 * that show only the message (podman, skopeo) then print too.
 */
function denied(principal: Principal, granted: readonly Access[], needed: readonly Access[]): WharfError {
  return new WharfError("DENIED", `${errorCodes.DENIED.message}: ${denialMessage(principal, granted, needed)}`);
}
