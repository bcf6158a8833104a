/**
 * @module
 * Maps a non-success registry response to a typed failure. Status alone is
 * not enough: registries put the reason in the OCI error body
 * (`{"errors":[{"code":"MANIFEST_UNKNOWN","message":…}]}`), some send
 * NAME_UNKNOWN with odd statuses, and the body's message is what tells a
 * user *why* (e.g. Docker Hub's pull-limit text). The body is read with a
 * small cap, so an error page cannot exhaust memory, and only the first
 * error's code and a short, cleaned message reach the failure: the rest of
 * another server's words are not Wharf's to repeat.
 */
import { parseRetryAfter } from "./parse-retry-after.ts";
import { maxSmallBodyBytes, readBody } from "./read-body.ts";
import { type FailureKind, failed, type RegistryResult } from "./registry-result.ts";
import type { HttpResponse } from "./send-request.ts";
import { upstreamText } from "./upstream-text.ts";

interface ErrorEntry {
  readonly code: string;
  readonly message: string;
}

const notFoundCodes = new Set(["MANIFEST_UNKNOWN", "NAME_UNKNOWN", "BLOB_UNKNOWN"]);
/** What an error code looks like (OCI's are upper-case words joined by "_"); anything else is ignored. */
const codeShape = /^[A-Z][A-Z0-9_]{0,63}$/;
/** The most of an upstream error message that is repeated to the user. */
const maxMessageChars = 120;

/**
 * The failure for `response` (any status that is not the expected one).
 * `what` names the request, e.g. "GET https://ghcr.io/v2/org/app/manifests/1.0".
 * Kinds: 401 → unauthorized; 403 → forbidden; 404 or an *_UNKNOWN code →
 * not-found; 429 or TOOMANYREQUESTS → rate-limited (with retryAfterSeconds
 * when sent); 5xx → unreachable; anything else → protocol. `hint` is
 * appended to the message (used to say whether credentials were sent).
 * The message quotes at most the first error: its code and up to 120
 * characters of its message, control characters removed (see upstreamText).
 */
export async function failureFromResponse(
  response: HttpResponse,
  what: string,
  hint = "",
): Promise<RegistryResult<never>> {
  const { status } = response;
  const body = await readBody(response.body, maxSmallBodyBytes, what);
  const errors = body.ok ? parseErrors(body.value) : [];
  const kind = kindFor(status, errors);
  const first = errors[0];
  const shown = first === undefined ? "" : upstreamText(first.message, maxMessageChars);
  const reason = first === undefined ? "" : ` (${first.code}${shown === "" ? "" : `: ${shown}`})`;
  const retryAfterSeconds = kind === "rate-limited" ? parseRetryAfter(response.headers["retry-after"]) : undefined;
  return failed(kind, `${what}: HTTP ${status}${reason}${hint}`, { status, retryAfterSeconds });
}

function kindFor(status: number, errors: readonly ErrorEntry[]): FailureKind {
  const codes = new Set(errors.map((e) => e.code));
  if (status === 429 || codes.has("TOOMANYREQUESTS")) return "rate-limited";
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status === 404 || [...codes].some((code) => notFoundCodes.has(code))) return "not-found";
  if (status >= 500) return "unreachable";
  return "protocol";
}

/** The `errors` array of an OCI error body; [] for anything else (HTML pages, empty bodies). */
function parseErrors(body: Buffer): ErrorEntry[] {
  let document: unknown;
  try {
    document = JSON.parse(body.toString("utf8"));
  } catch {
    return [];
  }
  const list = (document as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry: unknown) => {
    const { code, message } = (entry ?? {}) as { code?: unknown; message?: unknown };
    if (typeof code !== "string" || !codeShape.test(code)) return [];
    return [{ code, message: typeof message === "string" ? message.slice(0, 1000) : "" }];
  });
}
