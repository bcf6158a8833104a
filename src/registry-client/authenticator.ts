/**
 * @module
 * Answers registry challenges. A registry says how it wants to be
 * authenticated only by refusing a request (401 + `WWW-Authenticate`), so
 * the authenticator remembers each host's challenge and, from then on,
 * authorizes requests to that host up front: Basic from the configured
 * credentials, or a Bearer token fetched from the challenge's realm and
 * cached per (host, service, scope). Credentials only ever go to the
 * registry that asked and to the realm it named.
 */
import { failureFromResponse } from "./failure-from-response.ts";
import { type Challenge, parseChallenges } from "./parse-challenge.ts";
import { maxSmallBodyBytes, readBody } from "./read-body.ts";
import type { ResolvedOptions } from "./registry-client-options.ts";
import { failed, type RegistryResult, success } from "./registry-result.ts";
import { describeRequest } from "./send-request.ts";
import { sendWithRetry } from "./send-with-retry.ts";
import { TokenCache } from "./token-cache.ts";
import { buildTokenRequest, type IssuedToken, parseTokenResponse, type TokenChallenge } from "./token-request.ts";

/** Produces `Authorization` header values for registry requests. */
export interface Authenticator {
  /**
   * The header to send up front to `host` for `scope` (a token scope such
   * as `repository:library/alpine:pull`, or undefined for `/v2/`), or
   * undefined while the host has not challenged yet.
   */
  upfront(host: string, scope: string | undefined): Promise<RegistryResult<string | undefined>>;
  /**
   * Answers a 401 whose `WWW-Authenticate` is `header`: remembers the
   * challenge and returns the header to retry with. `rejected` is the
   * header the 401 refused, so a refused cached token is replaced. Bearer
   * is preferred over Basic; the challenge's own `scope` wins over
   * `scope`. Fails `unauthorized` when there is no usable challenge or a
   * Basic challenge and no username/password, and with the token server's
   * failure when it refuses.
   */
  answer(
    host: string,
    header: string | undefined,
    scope: string | undefined,
    rejected: string | undefined,
  ): Promise<RegistryResult<string>>;
}

/** The OAuth2 client_id sent with refresh-token grants. */
const clientId = "wharf";

/** An authenticator for one client: its challenge memory and token cache live as long as it. */
export function createAuthenticator(options: ResolvedOptions): Authenticator {
  const challenges = new Map<string, Challenge>();
  const tokens = new TokenCache();

  async function authorize(
    host: string,
    challenge: Challenge,
    scope: string | undefined,
    rejected?: string,
  ): Promise<RegistryResult<string>> {
    const credentials = options.credentialsFor(host);
    if (challenge.scheme === "basic") {
      if (credentials === undefined || !("username" in credentials)) {
        const why = `${host} requires Basic authentication and no username and password are configured for it`;
        return failed("unauthorized", why, { status: 401 });
      }
      const pair = `${credentials.username}:${credentials.password}`;
      return success(`Basic ${Buffer.from(pair).toString("base64")}`);
    }
    const request: TokenChallenge = {
      realm: challenge.params.realm ?? "",
      ...(challenge.params.service !== undefined && { service: challenge.params.service }),
      ...(scope !== undefined && { scope }),
    };
    const key = [host, request.realm, request.service ?? "", scope ?? ""].join("\n");
    const stale = rejected?.startsWith("Bearer ") ? rejected.slice("Bearer ".length) : undefined;
    const token = await tokens.get(key, () => fetchToken(host, request), stale);
    return token.ok ? success(`Bearer ${token.value.token}`) : token;
  }

  async function fetchToken(host: string, challenge: TokenChallenge): Promise<RegistryResult<IssuedToken>> {
    const credentials = options.credentialsFor(host);
    const built = buildTokenRequest(challenge, credentials, clientId);
    if (!built.ok) return failed("protocol", `${host}: ${built.failure.message}`);
    const { method, url, headers, body } = built.value;
    const what = `token request ${describeRequest(method, url)} for ${host}`;
    const sent = await sendWithRetry(
      {
        method,
        url,
        headers: { ...headers, "user-agent": options.userAgent, accept: "application/json" },
        ...(body !== undefined && { body }),
        timeoutMs: options.timeoutMs,
        guard: options.outbound,
      },
      options,
    );
    if (!sent.ok) return sent;
    if (sent.value.status !== 200) {
      const hint = credentials === undefined ? ", and no credentials are configured" : "";
      return failureFromResponse(sent.value, what, hint);
    }
    const read = await readBody(sent.value.body, maxSmallBodyBytes, what);
    return read.ok ? parseTokenResponse(read.value, what) : read;
  }

  return {
    async upfront(host, scope) {
      const challenge = challenges.get(host);
      return challenge === undefined ? success(undefined) : authorize(host, challenge, scope);
    },
    async answer(host, header, scope, rejected) {
      const offered = parseChallenges(header);
      const challenge =
        offered.find((c) => c.scheme === "bearer" && c.params.realm !== undefined) ??
        offered.find((c) => c.scheme === "basic");
      if (challenge === undefined) {
        const why = `${host} answered 401 without a Basic or Bearer challenge`;
        return failed("unauthorized", why, { status: 401 });
      }
      challenges.set(host, challenge);
      return authorize(host, challenge, challenge.params.scope ?? scope, rejected);
    },
  };
}
