/**
 * @module
 * The retry policy. Registries and the CDNs in front of them fail
 * transiently (resets, 502/503 during deploys, Docker Hub's 429s), and a
 * pull that gives up on the first hiccup makes the proxy look broken. Only
 * GET and HEAD are retried — they are idempotent — with exponential backoff
 * and jitter so that many clients do not retry in lockstep.
 */
import { parseRetryAfter } from "./parse-retry-after.ts";
import { discardBody } from "./read-body.ts";
import type { RegistryResult } from "./registry-result.ts";
import { type HttpRequest, type HttpResponse, idempotent, sendRequest } from "./send-request.ts";

/** How hard to retry; see RegistryClientOptions for the meaning and defaults. */
export interface RetryPolicy {
  readonly retries: number;
  readonly retryDelayMs: number;
  readonly maxRetryAfterSeconds: number;
  /** Waits between attempts; a timer by default (tests pass one that records and returns at once). */
  readonly sleep?: (ms: number) => Promise<void>;
}

const timerSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const maxBackoffMs = 10_000;

/**
 * Sends `request`, retrying a GET or HEAD up to `policy.retries` times when
 * the connection failed with kind `unreachable` (never `tls` or
 * `protocol`), or the status is 5xx other than 501 and 505, or 429. A
 * `Retry-After` on 429/503 sets the wait; one longer than
 * `maxRetryAfterSeconds` is not waited out and its response is returned at
 * once, for the caller to report as rate-limited. Returns the last response
 * whatever its status, or the last connection failure. POST, PUT and PATCH are sent once.
 */
export async function sendWithRetry(request: HttpRequest, policy: RetryPolicy): Promise<RegistryResult<HttpResponse>> {
  const retries = idempotent(request.method) ? policy.retries : 0;
  for (let attempt = 0; ; attempt += 1) {
    const result = await sendRequest(request);
    if (attempt >= retries) return result;
    const wait = retryWait(result, attempt, policy);
    if (wait === undefined) return result;
    if (result.ok) discardBody(result.value.body, result.value.headers["content-length"]);
    await (policy.sleep ?? timerSleep)(wait);
  }
}

/** Milliseconds to wait before retrying, or undefined when this result is final. */
export function retryWait(
  result: RegistryResult<HttpResponse>,
  attempt: number,
  policy: RetryPolicy,
): number | undefined {
  if (!result.ok) {
    return result.failure.kind === "unreachable" ? backoff(attempt, policy) : undefined;
  }
  const { status, headers } = result.value;
  const transient = status === 429 || (status >= 500 && status !== 501 && status !== 505);
  if (!transient) return undefined;
  const retryAfter = parseRetryAfter(headers["retry-after"]);
  if (retryAfter === undefined || (status !== 429 && status !== 503)) {
    return backoff(attempt, policy);
  }
  return retryAfter <= policy.maxRetryAfterSeconds ? retryAfter * 1000 : undefined;
}

/** Full exponential backoff with jitter: between half and all of base × 2^attempt, capped. */
function backoff(attempt: number, policy: RetryPolicy): number {
  const ceiling = Math.min(maxBackoffMs, policy.retryDelayMs * 2 ** attempt);
  return Math.round(ceiling * (0.5 + Math.random() / 2));
}
