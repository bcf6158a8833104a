/**
 * @module
 * What every registry-client operation returns. Talking to someone else's
 * registry fails in ordinary ways (wrong password, missing tag, rate limit,
 * host down), and each caller — secret check, proxy, rewriter, bundler —
 * must decide what to do about each one, so failures are typed values with a
 * small closed set of kinds rather than exceptions to be caught and sniffed.
 */

/**
 * Why an operation failed:
 * - `unauthorized`: the registry (or its token server) still refused after
 *   the client answered its challenge, or it needs credentials none were given for;
 * - `forbidden`: 403, the credentials are valid but lack access;
 * - `not-found`: 404, or an OCI error code `MANIFEST_UNKNOWN`, `NAME_UNKNOWN`, `BLOB_UNKNOWN`;
 * - `rate-limited`: 429 (or `TOOMANYREQUESTS`) still after the allowed retries;
 * - `unreachable`: connection refused, DNS failure, reset, timeout, or 5xx after retries;
 * - `tls`: certificate or TLS handshake errors (not retried: they do not heal);
 * - `protocol`: malformed responses, digest mismatches, invalid input, other statuses;
 * - `forbidden-target`: the outbound guard refused the host (a loopback,
 *   private, link-local… address outside `outbound.allow`, or a scheme other
 *   than http(s)), for the first request or a redirect hop; nothing was sent there.
 */
export type FailureKind =
  | "unauthorized"
  | "forbidden"
  | "not-found"
  | "rate-limited"
  | "unreachable"
  | "tls"
  | "protocol"
  | "forbidden-target";

/**
 * A failure. `message` names the host and request and never contains a
 * password or token; `status` is the last HTTP status when there was one;
 * `retryAfterSeconds` is set for rate limits that said when to come back.
 */
export interface RegistryFailure {
  readonly kind: FailureKind;
  readonly message: string;
  readonly status?: number;
  readonly retryAfterSeconds?: number;
}

/** The outcome of an operation: its value, or a typed failure. */
export type RegistryResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly failure: RegistryFailure };

/** A successful result. */
export function success<T>(value: T): RegistryResult<T> {
  return { ok: true, value };
}

/** A failed result; `extra` adds the status and retry hint when known. */
export function failed<T = never>(
  kind: FailureKind,
  message: string,
  extra: { status?: number; retryAfterSeconds?: number } = {},
): RegistryResult<T> {
  const failure: RegistryFailure = {
    kind,
    message,
    ...(extra.status !== undefined && { status: extra.status }),
    ...(extra.retryAfterSeconds !== undefined && { retryAfterSeconds: extra.retryAfterSeconds }),
  };
  return { ok: false, failure };
}
