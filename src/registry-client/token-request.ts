/**
 * @module
 * The two halves of Docker token authentication (distribution
 * docs/spec/auth/token.md and oauth.md) that involve no I/O: building the
 * request to the realm a Bearer challenge named, and reading its answer.
 * Username/password credentials use the universal GET form with Basic
 * authentication; an identity token can only be exchanged by the OAuth2
 * POST form with a refresh_token grant. Kept pure so both are unit-tested.
 */
import type { RegistryCredentials } from "./registry-client-options.ts";
import { failed, type RegistryResult, success } from "./registry-result.ts";

/** What a Bearer challenge asks for; `scope` may list several scopes separated by spaces. */
export interface TokenChallenge {
  readonly realm: string;
  readonly service?: string;
  readonly scope?: string;
}

/** A token request ready to send. Header names are lower case. */
export interface TokenRequest {
  readonly method: "GET" | "POST";
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** A token and how long it lives, as the token server said. */
export interface IssuedToken {
  readonly token: string;
  readonly expiresInSeconds: number;
}

/** Seconds a token lives when the server does not say (token.md: "defaults to 60 seconds"). */
export const defaultTokenLifetimeSeconds = 60;

/**
 * Builds the token request. No credentials: anonymous GET (how public
 * images are pulled from Docker Hub, GHCR, Quay). Username/password: GET
 * with Basic auth and `account`. Identity token: POST form with
 * `grant_type=refresh_token`, `client_id`, `service` and the scopes joined by
 * spaces. `service` and each scope become query parameters on GET,
 * appended to any query the realm already has. Fails with `protocol` when
 * the realm is not an absolute http(s) URL.
 */
export function buildTokenRequest(
  challenge: TokenChallenge,
  credentials: RegistryCredentials | undefined,
  clientId: string,
): RegistryResult<TokenRequest> {
  const url = parseRealm(challenge.realm);
  if (url === undefined) {
    return failed("protocol", `the Bearer challenge's realm is not an http(s) URL`);
  }
  const scopes = (challenge.scope ?? "").split(" ").filter((scope) => scope !== "");
  if (credentials !== undefined && "identityToken" in credentials) {
    const form = new URLSearchParams({
      grant_type: "refresh_token",
      refresh_token: credentials.identityToken,
      client_id: clientId,
    });
    if (challenge.service !== undefined) form.set("service", challenge.service);
    if (scopes.length > 0) form.set("scope", scopes.join(" "));
    const headers = { "content-type": "application/x-www-form-urlencoded" };
    return success({ method: "POST", url, headers, body: form.toString() });
  }
  if (challenge.service !== undefined) url.searchParams.append("service", challenge.service);
  for (const scope of scopes) url.searchParams.append("scope", scope);
  if (credentials === undefined) return success({ method: "GET", url, headers: {} });
  url.searchParams.append("account", credentials.username);
  const basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64");
  return success({ method: "GET", url, headers: { authorization: `Basic ${basic}` } });
}

/**
 * Reads a token response: `token` (Docker) or else `access_token` (OAuth2),
 * a non-empty string; `expires_in` in seconds when it is a positive number,
 * else {@link defaultTokenLifetimeSeconds}. Fails with `protocol` (message
 * prefixed by `what`, never quoting the body, which may hold a token) for
 * bodies that are not a JSON object with a token.
 */
export function parseTokenResponse(body: Uint8Array, what: string): RegistryResult<IssuedToken> {
  let document: unknown;
  try {
    document = JSON.parse(Buffer.from(body).toString("utf8"));
  } catch {
    return failed("protocol", `${what}: the token response is not JSON`);
  }
  if (typeof document !== "object" || document === null) {
    return failed("protocol", `${what}: the token response is not a JSON object`);
  }
  const fields = document as { token?: unknown; access_token?: unknown; expires_in?: unknown };
  const token = nonEmpty(fields.token) ?? nonEmpty(fields.access_token);
  if (token === undefined) {
    return failed("protocol", `${what}: the token response has neither "token" nor "access_token"`);
  }
  const lifetime = fields.expires_in;
  const valid = typeof lifetime === "number" && Number.isFinite(lifetime) && lifetime > 0;
  return success({ token, expiresInSeconds: valid ? lifetime : defaultTokenLifetimeSeconds });
}

function parseRealm(realm: string): URL | undefined {
  try {
    const url = new URL(realm);
    return url.protocol === "https:" || url.protocol === "http:" ? url : undefined;
  } catch {
    return undefined;
  }
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
