/**
 * @module
 * One HTTP request over `node:http`/`node:https`, following redirects.
 * Not `fetch`: fetch refuses some ports (6000, 10080, …) that private
 * registries do use, decompresses bodies behind the digest's back, and
 * buries error codes. Registries redirect blob downloads to object stores
 * and CDNs, so redirects are followed here, and the `Authorization` header
 * is dropped as soon as a redirect leaves the registry's origin — a
 * registry token must never reach S3 or a CDN. Every hop is first put to
 * the outbound guard, and the connection goes only to the addresses it
 * checked: a registry cannot redirect Wharf to 169.254.169.254 or to a
 * port on the server's own machine.
 */
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import type { Readable, Writable } from "node:stream";
import type { OutboundGuard } from "../net/outbound-guard.ts";
import { bulkExchange } from "./bulk-exchange.ts";
import { classifyNetworkError, RequestTimeoutError } from "./classify-network-error.ts";
import { discardBody } from "./read-body.ts";
import { failed, type RegistryResult, success } from "./registry-result.ts";

/** The methods the client sends; only GET and HEAD are followed through redirects and retried. */
export type HttpMethod = "GET" | "HEAD" | "POST" | "PUT" | "PATCH";

/**
 * A body that writes itself into the request and resolves once every byte
 * was handed to the connection: it minds back-pressure itself and may reuse
 * its buffers after each write's callback (large uploads without garbage).
 */
export interface BodyWriter {
  writeTo(out: Writable): Promise<void>;
}

/** A request body: text or bytes, or a stream or writer made anew for each attempt. */
export type RequestBody = string | Uint8Array | (() => Readable | BodyWriter);

/** A request to send. Header names must be lower case. */
export interface HttpRequest {
  readonly method: HttpMethod;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  /** The body: bytes, or a function giving a fresh stream for each attempt (uploads of any size). */
  readonly body?: RequestBody;
  /** Idle limit: connecting, waiting for headers, and between body chunks. */
  readonly timeoutMs: number;
  /** Checks the URL of the request and of every redirect hop before connecting. */
  readonly guard: OutboundGuard;
  /**
   * A GET whose body is large (a blob): read over a connection of its own
   * into a reused buffer (see bulk-exchange.ts), the body a {@link BulkBody}.
   */
  readonly bulk?: boolean;
}

/** A response whose body has not been read. `url` is the last URL after redirects. */
export interface HttpResponse {
  readonly status: number;
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  /** The body; errors with a timeout or reset if the connection stalls or drops. */
  readonly body: Readable;
}

const maxRedirects = 5;
const redirectStatuses = new Set([301, 302, 303, 307, 308]);

/**
 * Sends `request` and resolves with the first non-redirect response (any
 * status), or a failure when no response arrived (`unreachable`, `tls`,
 * `protocol`, see classifyNetworkError), the guard refused the URL or a
 * redirect's target (`forbidden-target`, nothing sent there), or redirects
 * misbehave (`protocol`: more than 5, a Location that is not an http(s)
 * URL). POST, PUT and PATCH responses are never followed. Failure messages show the URL
 * without its query, which on redirects to object stores carries signatures.
 */
export async function sendRequest(request: HttpRequest): Promise<RegistryResult<HttpResponse>> {
  let url = request.url;
  let headers = request.headers;
  for (let hop = 0; ; hop += 1) {
    const decision = await request.guard.check(url);
    if (decision.outcome === "refused") {
      return failed("forbidden-target", `${describeRequest(request.method, url)}: ${decision.refusal.message}`);
    }
    if (decision.outcome === "unresolved") {
      return classifyNetworkError(decision.error, describeRequest(request.method, url));
    }
    const current = { ...request, url, headers };
    const result =
      request.bulk && request.method === "GET"
        ? await bulk(current, decision.lookup)
        : await exchange(current, decision.lookup);
    if (!result.ok) return result;
    const { status, body } = result.value;
    const location = result.value.headers.location;
    if (!redirectStatuses.has(status) || location === undefined || !idempotent(request.method)) {
      return success({ status, url, headers: result.value.headers, body });
    }
    discardBody(body, result.value.headers["content-length"]);
    const next = parseLocation(location, url);
    if (next === undefined || hop === maxRedirects) {
      const why = next === undefined ? "an invalid Location" : `more than ${maxRedirects} redirects`;
      return failed("protocol", `${describeRequest(request.method, url)}: ${why}`, { status });
    }
    if (next.origin !== url.origin) {
      const { authorization: _dropped, ...rest } = headers;
      headers = rest;
    }
    url = next;
  }
}

/** True for the methods that may be sent again (retried, redirected): GET and HEAD. */
export function idempotent(method: HttpMethod): boolean {
  return method === "GET" || method === "HEAD";
}

/** `GET https://host/path`: the request as failure messages name it (no query, no credentials). */
export function describeRequest(method: string, url: URL): string {
  return `${method} ${url.protocol}//${url.host}${url.pathname}`;
}

/** A header Node may give as a list (a repeated header): its first value. */
export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseLocation(location: string, base: URL): URL | undefined {
  try {
    const next = new URL(location, base);
    return next.protocol === "http:" || next.protocol === "https:" ? next : undefined;
  } catch {
    return undefined;
  }
}

type Exchanged = RegistryResult<{ status: number; headers: IncomingHttpHeaders; body: Readable }>;

/** A {@link bulkExchange}, its failure classified like node:http's. */
async function bulk(request: HttpRequest, lookup: LookupFunction): Promise<Exchanged> {
  try {
    const response = await bulkExchange(request, lookup);
    return success({ status: response.statusCode, headers: response.headers, body: response.body });
  } catch (error) {
    return classifyNetworkError(error, describeRequest(request.method, request.url));
  }
}

/** One request, connecting only to what `lookup` answers (the guard's checked addresses). */
function exchange(request: HttpRequest, lookup: LookupFunction): Promise<Exchanged> {
  return new Promise((resolve) => {
    const send = request.url.protocol === "https:" ? httpsRequest : httpRequest;
    let response: IncomingMessage | undefined;
    const outgoing = send(request.url, { method: request.method, headers: request.headers, lookup }, (incoming) => {
      response = incoming;
      resolve(success({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: incoming }));
    });
    outgoing.setTimeout(request.timeoutMs, () => {
      const error = new RequestTimeoutError(request.timeoutMs);
      if (response === undefined) outgoing.destroy(error);
      else response.destroy(error);
    });
    outgoing.on("error", (error) => {
      resolve(classifyNetworkError(error, describeRequest(request.method, request.url)));
    });
    const body = request.body;
    if (typeof body !== "function") {
      outgoing.end(body);
      return;
    }
    const source = body();
    if ("writeTo" in source) {
      source.writeTo(outgoing).then(
        () => outgoing.end(),
        (error: Error) => outgoing.destroy(error),
      );
      return;
    }
    source.on("error", (error) => outgoing.destroy(error));
    source.pipe(outgoing);
  });
}
