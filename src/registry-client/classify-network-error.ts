/**
 * @module
 * Turns what Node throws when a request never got a response into a
 * failure kind. The distinction matters to callers: a TLS error means a
 * misconfigured registry or a missing CA (retrying will not help, and the
 * user must be told "certificate", not "down"), whereas a refused
 * connection or a timeout may heal. Node hides the code in `cause` chains
 * and in `AggregateError.errors` (happy-eyeballs tried several addresses).
 */
import { failed, type RegistryResult } from "./registry-result.ts";
import { upstreamText } from "./upstream-text.ts";

const tlsCodes = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "HOSTNAME_MISMATCH",
  "EPROTO",
]);
const tlsPrefixes = ["CERT_", "ERR_SSL_", "ERR_TLS_", "ERR_OSSL_"];
const protocolPrefixes = ["HPE_", "ERR_INVALID_HTTP_", "ERR_HTTP_"];

/** Raised by the transport when a request sat idle past `timeoutMs`. */
export class RequestTimeoutError extends Error {
  readonly code = "ETIMEDOUT";
  constructor(timeoutMs: number) {
    super(`no response for ${timeoutMs} ms`);
    this.name = "RequestTimeoutError";
  }
}

/**
 * The failure for a request that errored before or while its response
 * arrived. `what` names the request (`GET https://host/v2/`), never with
 * credentials. TLS and certificate codes → `tls`; HTTP parser errors →
 * `protocol`; everything else (ECONNREFUSED, ENOTFOUND, ECONNRESET,
 * timeouts, unknown errors) → `unreachable`.
 */
export function classifyNetworkError(error: unknown, what: string): RegistryResult<never> {
  const codes = errorCodes(error);
  const detail = describe(error, codes);
  if (codes.some(isTlsCode)) return failed("tls", `${what}: TLS failure: ${detail}`);
  if (codes.some((code) => protocolPrefixes.some((prefix) => code.startsWith(prefix)))) {
    return failed("protocol", `${what}: malformed HTTP response: ${detail}`);
  }
  return failed("unreachable", `${what}: ${detail}`);
}

/** True for a Node/OpenSSL error code that means the TLS layer failed. */
export function isTlsCode(code: string): boolean {
  return tlsCodes.has(code) || tlsPrefixes.some((prefix) => code.startsWith(prefix));
}

/** Every `code` in the error, its causes and aggregated errors, outermost first. */
function errorCodes(error: unknown, depth = 0): string[] {
  if (typeof error !== "object" || error === null || depth > 5) return [];
  const record = error as { code?: unknown; cause?: unknown; errors?: unknown };
  const own = typeof record.code === "string" ? [record.code] : [];
  const nested = Array.isArray(record.errors) ? record.errors : [];
  return [...own, ...errorCodes(record.cause, depth + 1), ...nested.flatMap((inner) => errorCodes(inner, depth + 1))];
}

function describe(error: unknown, codes: readonly string[]): string {
  const message = opensslReason(error instanceof Error ? error.message : String(error));
  const first = codes[0];
  if (message === "") return first ?? "network error";
  const text = first !== undefined && !message.includes(first) ? `${first} ${message}` : message;
  return upstreamText(text, 300);
}

/** OpenSSL's "…:SSL routines:func:wrong version number:file:line:" → "wrong version number". */
function opensslReason(message: string): string {
  const routine = /error:[0-9A-F]+:[^:]*routines:[^:]*:([^:]+):/.exec(message);
  return routine === null ? message.split("\n")[0]! : routine[1]!;
}
