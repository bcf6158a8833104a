/**
 * @module
 * Reads credentials from a request's Authorization header, and the client
 * address used for rate limiting.
 */
import type { IncomingMessage } from "node:http";
import { requestOrigin } from "../request-origin.ts";

/** What the Authorization header carries. */
export type RequestCredentials =
  | { readonly kind: "none" }
  | { readonly kind: "basic"; readonly username: string; readonly secret: string }
  | { readonly kind: "bearer"; readonly token: string }
  | { readonly kind: "malformed" };

/** Parses `Basic` and `Bearer` authorization; anything else is malformed. */
export function readCredentials(req: IncomingMessage): RequestCredentials {
  const header = req.headers.authorization;
  if (!header) return { kind: "none" };
  const space = header.indexOf(" ");
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === "bearer" && value.length > 0 && value.length < 16_384) return { kind: "bearer", token: value };
  if (scheme !== "basic" || value.length > 16_384) return { kind: "malformed" };
  const decoded = Buffer.from(value, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0) return { kind: "malformed" };
  return { kind: "basic", username: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/** The client's address: the socket peer, or behind a trusted proxy the forwarded client (see request-origin.ts). */
export function clientAddress(req: IncomingMessage): string {
  return requestOrigin(req).clientAddress;
}
