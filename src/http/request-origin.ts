/**
 * @module
 * Who sent a request and which base URL it was sent to — the one place that
 * reads the socket peer, `X-Forwarded-*`, `Forwarded` and `Host`.
 *
 * - Client address (rate limits, audit log, request log): the TCP peer,
 *   unless the peer is inside `http.trustedProxies`; then the forwarded chain
 *   (`Forwarded: for=` when present, else `X-Forwarded-For`) is walked from
 *   the right, skipping trusted proxies, and the first untrusted address is
 *   the client. Anything left of it may be forged by the client and is ignored.
 * - Public origin (the Bearer realm and any absolute URL Wharf writes):
 *   `publicUrl` when set; else, behind a trusted proxy, its right-most
 *   `proto`/`host` (`Forwarded`, else `X-Forwarded-Proto`/`-Host`); else the
 *   `Host` header — but only when it is syntactically `host[:port]`, so no
 *   quote, comma, space or control character can reach a header Wharf writes;
 *   else the address the connection arrived on.
 *
 * The server computes this once per request ({@link attachRequestOrigin});
 * everything else calls {@link requestOrigin}.
 */
import type { IncomingMessage } from "node:http";
import { BlockList, isIP } from "node:net";

/** Where a request came from and the base URL it addressed. */
export interface RequestOrigin {
  /** The client's IP address (the peer, or the first untrusted forwarded hop). */
  readonly clientAddress: string;
  /** `scheme://host[:port]` (or `publicUrl`), without a trailing slash. */
  readonly publicOrigin: string;
}

/** What {@link resolveRequestOrigin} believes. */
export interface OriginSettings {
  /** Peers whose forwarding headers are believed. */
  readonly trustedProxies: BlockList;
  /** The configured public URL; wins over every header. */
  readonly publicUrl?: string | undefined;
}

const maxHops = 32;
const label = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
const hostPattern = new RegExp(`^(?:${label}(?:\\.${label})*\\.?|\\[[0-9A-Fa-f:.]{2,45}\\])(?::\\d{1,5})?$`);
const attached = new WeakMap<IncomingMessage, RequestOrigin>();
const noProxies = new BlockList();

/** A bare IP address from a forwarded value (`1.2.3.4`, `1.2.3.4:80`, `[::1]:80`, `"[::1]"`); undefined otherwise. */
function parseAddress(value: string): string | undefined {
  let v = value.trim().replace(/^"|"$/g, "");
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(v);
  if (bracketed) v = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(v)) v = v.slice(0, v.lastIndexOf(":"));
  return isIP(v) === 0 ? undefined : unmapped(v);
}

/** `::ffff:1.2.3.4` as `1.2.3.4`, so one client has one address. */
function unmapped(address: string): string {
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address) ? address.slice(7) : address;
}

function trusted(list: BlockList, address: string): boolean {
  return list.check(address, isIP(address) === 6 ? "ipv6" : "ipv4");
}

/** The elements of `Forwarded` (RFC 7239) as lower-cased parameter maps. */
function forwardedElements(header: string): Map<string, string>[] {
  return header.split(",").map((element) => {
    const params = new Map<string, string>();
    for (const pair of element.split(";")) {
      const eq = pair.indexOf("=");
      if (eq > 0)
        params.set(
          pair.slice(0, eq).trim().toLowerCase(),
          pair
            .slice(eq + 1)
            .trim()
            .replace(/^"|"$/g, ""),
        );
    }
    return params;
  });
}

function listOf(header: string | string[] | undefined): string[] {
  const text = Array.isArray(header) ? header.join(",") : (header ?? "");
  return text.length === 0 ? [] : text.split(",").map((s) => s.trim());
}

/** Walks `hops` (left: client side) from the right; the first address not trusted is the client. */
function clientFrom(hops: readonly string[], peer: string, proxies: BlockList): string {
  let nearest = peer;
  for (const hop of hops.slice(-maxHops).reverse()) {
    const address = parseAddress(hop);
    if (address === undefined) return nearest;
    if (!trusted(proxies, address)) return address;
    nearest = address;
  }
  return nearest;
}

function validHost(host: string | undefined): string | undefined {
  return host !== undefined && host.length <= 255 && hostPattern.test(host) ? host : undefined;
}

function localOrigin(req: IncomingMessage, scheme: string): string {
  const address = unmapped(req.socket.localAddress ?? "127.0.0.1");
  const host = isIP(address) === 6 ? `[${address}]` : address;
  return `${scheme}://${host}:${req.socket.localPort ?? 80}`;
}

/** Computes the origin of `req` under `settings` (pure: reads only the request). */
export function resolveRequestOrigin(req: IncomingMessage, settings: OriginSettings): RequestOrigin {
  const peer = unmapped(req.socket.remoteAddress ?? "unknown");
  const viaProxy = isIP(peer) !== 0 && trusted(settings.trustedProxies, peer);
  const forwarded = viaProxy && req.headers.forwarded ? forwardedElements(req.headers.forwarded) : undefined;
  let clientAddress = peer;
  let proto: string | undefined;
  let host: string | undefined;
  if (forwarded) {
    const fors = forwarded.map((e) => e.get("for")).filter((v) => v !== undefined);
    clientAddress = clientFrom(fors, peer, settings.trustedProxies);
    proto = forwarded.at(-1)?.get("proto");
    host = forwarded.at(-1)?.get("host");
  } else if (viaProxy) {
    clientAddress = clientFrom(listOf(req.headers["x-forwarded-for"]), peer, settings.trustedProxies);
    proto = listOf(req.headers["x-forwarded-proto"]).at(-1);
    host = listOf(req.headers["x-forwarded-host"]).at(-1);
  }
  if (settings.publicUrl) return { clientAddress, publicOrigin: settings.publicUrl.replace(/\/+$/, "") };
  const tls = (req.socket as { encrypted?: boolean }).encrypted === true;
  const scheme = proto === "https" || proto === "http" ? proto : tls ? "https" : "http";
  const chosen = validHost(host) ?? validHost(req.headers.host);
  return { clientAddress, publicOrigin: chosen ? `${scheme}://${chosen}` : localOrigin(req, scheme) };
}

/** Resolves and remembers the origin of `req`; the server calls this first for every request. */
export function attachRequestOrigin(req: IncomingMessage, settings: OriginSettings): RequestOrigin {
  const origin = resolveRequestOrigin(req, settings);
  attached.set(req, origin);
  return origin;
}

/** The origin of `req` as the server attached it; with no proxy trusted and no public URL when it did not. */
export function requestOrigin(req: IncomingMessage): RequestOrigin {
  return attached.get(req) ?? attachRequestOrigin(req, { trustedProxies: noProxies });
}
