/**
 * @module
 * The one path every registry request takes: URL from host and scheme,
 * `User-Agent`, authorization up front when the host has challenged before,
 * retries, one answer to a 401 challenge, and non-2xx statuses turned into
 * typed failures. Operations above it deal only in successful responses.
 */
import { createAuthenticator } from "./authenticator.ts";
import { failureFromResponse } from "./failure-from-response.ts";
import { parseChallenges } from "./parse-challenge.ts";
import { discardBody } from "./read-body.ts";
import type { ResolvedOptions } from "./registry-client-options.ts";
import { failed, type RegistryResult } from "./registry-result.ts";
import {
  describeRequest,
  type HttpMethod,
  type HttpRequest,
  type HttpResponse,
  type RequestBody,
} from "./send-request.ts";
import { sendWithRetry } from "./send-with-retry.ts";

/** A request to a registry's API. */
export interface RegistryRequest {
  /** The host to dial, with port: `registry-1.docker.io`, `localhost:5000`. */
  readonly host: string;
  readonly method: HttpMethod;
  /** Absolute path with optional query, starting with `/v2/`. */
  readonly path: string;
  /** The token scope the request needs (`repository:<path>:pull`); none for `/v2/`. */
  readonly scope?: string;
  /** Extra headers, names in lower case (`accept`, `accept-encoding`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** The body of a POST, PUT or PATCH; a stream body must be a function, as it is sent again after a challenge. */
  readonly body?: RequestBody;
  /** A GET of a large body (a blob): see {@link HttpRequest.bulk}. */
  readonly bulk?: boolean;
}

/** Sends registry requests. */
export interface RegistryTransport {
  /**
   * Sends `request` and resolves with a 2xx response whose body the caller
   * must consume or destroy, or a failure (see failureFromResponse for the
   * status mapping; a 401 that remains after answering the challenge is
   * `unauthorized`, its message saying whether credentials were sent, or
   * `forbidden` when its challenge says `insufficient_scope` to credentials).
   */
  send(request: RegistryRequest): Promise<RegistryResult<HttpResponse>>;
  /** The URL `path` resolves to on `host` (http for insecure hosts, else https). */
  urlFor(host: string, path: string): URL;
}

/** A transport with its own challenge memory and token cache. */
export function createRegistryTransport(options: ResolvedOptions): RegistryTransport {
  const authenticator = createAuthenticator(options);

  function urlFor(host: string, path: string): URL {
    return new URL(path, `${options.isInsecure(host) ? "http" : "https"}://${host}`);
  }

  function attempt(request: RegistryRequest, url: URL, authorization: string | undefined) {
    const headers: Record<string, string> = {
      "user-agent": options.userAgent,
      ...request.headers,
      ...(authorization !== undefined && { authorization }),
    };
    const { timeoutMs, outbound: guard } = options;
    const body = request.body;
    const bulk = request.bulk === true;
    return sendWithRetry(
      { method: request.method, url, headers, timeoutMs, guard, bulk, ...(body !== undefined && { body }) },
      options,
    );
  }

  async function send(request: RegistryRequest): Promise<RegistryResult<HttpResponse>> {
    const url = urlFor(request.host, request.path);
    const what = describeRequest(request.method, url);
    const upfront = await authenticator.upfront(request.host, request.scope);
    if (!upfront.ok) return upfront;
    let sent = await attempt(request, url, upfront.value);
    if (sent.ok && sent.value.status === 401) {
      const refused = sent.value;
      const header = refused.headers["www-authenticate"];
      const answer = await authenticator.answer(request.host, header, request.scope, upfront.value);
      if (answer.ok && answer.value !== upfront.value) {
        discardBody(refused.body, refused.headers["content-length"]);
        sent = await attempt(request, url, answer.value);
      } else if (!answer.ok) {
        discardBody(refused.body, refused.headers["content-length"]);
        return answer;
      }
    }
    if (!sent.ok) return sent;
    const { status } = sent.value;
    if (status >= 200 && status < 300) return sent;
    if (status === 401 && acceptedButOutOfScope(request.host, sent.value)) {
      const scope = request.scope ?? "this request";
      const hint = ` — the credentials configured for ${request.host} were accepted but grant no ${scope}`;
      const refused = await failureFromResponse(sent.value, what, hint);
      return refused.ok ? refused : failed("forbidden", refused.failure.message, { status });
    }
    const hint = status === 401 ? credentialHint(request.host) : "";
    return failureFromResponse(sent.value, what, hint);
  }

  /**
   * True for a 401 whose Bearer challenge says `error="insufficient_scope"`
   * to a request that carried credentials: the token server accepted them
   * (it issued the token) and the token lacks the access (token.md), which
   * is a denial (`forbidden`), not a wrong password.
   */
  function acceptedButOutOfScope(host: string, response: HttpResponse): boolean {
    if (options.credentialsFor(host) === undefined) return false;
    const challenges = parseChallenges(response.headers["www-authenticate"]);
    return challenges.some((c) => c.scheme === "bearer" && c.params.error === "insufficient_scope");
  }

  function credentialHint(host: string): string {
    return options.credentialsFor(host) === undefined
      ? ` — no credentials are configured for ${host}`
      : ` — the credentials configured for ${host} were refused`;
  }

  return { send, urlFor };
}
