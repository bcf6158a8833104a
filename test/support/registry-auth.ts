/**
 * @module
 * Helpers for tests of Docker token auth against a real Wharf: Basic header
 * values, reading a `WWW-Authenticate` challenge into its parameters, decoding
 * a JWT's header and payload (no signature check: the server under test is
 * the one that verifies), asking the token endpoint, and pushing through the
 * registry API with an `Authorization` header of the caller's choice.
 */
import assert from "node:assert/strict";
import { sha256 } from "./registry-http.ts";

/** `Basic base64(user:secret)`. */
export function basicAuth(user: string, secret: string): string {
  return `Basic ${Buffer.from(`${user}:${secret}`).toString("base64")}`;
}

/** `Bearer token`. */
export function bearerAuth(token: string): string {
  return `Bearer ${token}`;
}

/** A parsed `WWW-Authenticate` challenge: its scheme and its quoted parameters. */
export interface Challenge {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

/** Parses a challenge such as `Bearer realm="…",service="…",scope="…"`. */
export function parseChallenge(header: string | null): Challenge {
  assert.ok(header, "no WWW-Authenticate header");
  const space = header.indexOf(" ");
  const scheme = space < 0 ? header : header.slice(0, space);
  const params: Record<string, string> = {};
  for (const match of header.slice(space + 1).matchAll(/([A-Za-z_]+)="([^"]*)"/g)) params[match[1]!] = match[2]!;
  return { scheme, params };
}

/** A JWT's decoded header and payload. */
export interface DecodedJwt {
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
}

/** Decodes a compact JWS without verifying it. */
export function decodeJwt(token: string): DecodedJwt {
  const parts = token.split(".");
  assert.equal(parts.length, 3, `not a compact JWT: ${token.slice(0, 40)}…`);
  const part = (text: string) => JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as Record<string, unknown>;
  return { header: part(parts[0]!), payload: part(parts[1]!) };
}

/** `GET /auth/token` with the given query parameters (repeated keys allowed) and optional Authorization. */
export function requestToken(
  base: string,
  params: readonly (readonly [string, string])[],
  authorization?: string,
): Promise<Response> {
  const query = new URLSearchParams(params.map(([k, v]): [string, string] => [k, v]));
  return fetch(`${base}/auth/token?${query}`, {
    headers: authorization ? { authorization } : {},
  });
}

/** `POST /auth/token` with a form body (repeated keys allowed). */
export function postToken(base: string, form: readonly (readonly [string, string])[]): Promise<Response> {
  return fetch(`${base}/auth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form.map(([k, v]): [string, string] => [k, v])).toString(),
  });
}

/** The body of a successful token response. */
export interface TokenResponse {
  readonly token: string;
  readonly access_token: string;
  readonly expires_in: number;
  readonly issued_at: string;
  readonly refresh_token?: string;
  readonly scope?: string;
}

/** Reads a token response, asserting it is a 200. */
export async function tokenBody(res: Response): Promise<TokenResponse> {
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return JSON.parse(text) as TokenResponse;
}

/** Pushes a blob monolithically with `authorization`; returns its digest. */
export async function pushBlobAs(
  base: string,
  authorization: string,
  name: string,
  data: Uint8Array | string,
): Promise<string> {
  const digest = sha256(data);
  const res = await fetch(`${base}/v2/${name}/blobs/uploads/?digest=${digest}`, {
    method: "POST",
    headers: { authorization },
    body: data,
  });
  assert.equal(res.status, 201, await res.text());
  return digest;
}

/** Pushes a one-layer OCI image with `authorization`; returns the manifest's digest and body. */
export async function pushImageAs(
  base: string,
  authorization: string,
  name: string,
  tag: string,
): Promise<{ digest: string; body: string }> {
  const configBytes = JSON.stringify({ architecture: "amd64", os: "linux", tag });
  const config = await pushBlobAs(base, authorization, name, configBytes);
  const layerBytes = `layer of ${name}:${tag}`;
  const layer = await pushBlobAs(base, authorization, name, layerBytes);
  const body = JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: config, size: configBytes.length },
    layers: [
      {
        mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
        digest: layer,
        size: Buffer.byteLength(layerBytes),
      },
    ],
  });
  const res = await fetch(`${base}/v2/${name}/manifests/${tag}`, {
    method: "PUT",
    headers: { authorization, "content-type": "application/vnd.oci.image.manifest.v1+json" },
    body,
  });
  assert.equal(res.status, 201, await res.text());
  return { digest: sha256(body), body };
}
