/**
 * @module
 * Maps a non-success registry response to a typed failure. Status alone is
 * not enough: registries put the reason in the OCI error body
 * (`{"errors":[{"code":"MANIFEST_UNKNOWN","message":…}]}`), some send
 * NAME_UNKNOWN with odd statuses, and the body's message is what tells a
 * user *why* (e.g. Docker Hub's pull-limit text). The body is read with a
 * small cap, so an error page cannot exhaust memory.
 */
import { parseRetryAfter } from "./parse-retry-after.ts";
import { maxSmallBodyBytes, readBody } from "./read-body.ts";
import { type FailureKind, failed, type RegistryResult } from "./registry-result.ts";
import type { HttpResponse } from "./send-request.ts";

interface ErrorEntry {
  readonly code: string;
  readonly message: string;
}

const notFoundCodes = new Set(["MANIFEST_UNKNOWN", "NAME_UNKNOWN", "BLOB_UNKNOWN"]);

/**
 * The failure for `response` (any status that is not the expected one).
 * `what` names the request, e.g. "GET https://ghcr.io/v2/org/app/manifests/1.0".
 * Kinds: 401 → unauthorized; 403 → forbidden; 404 or an *_UNKNOWN code →
 * not-found; 429 or TOOMANYREQUESTS → rate-limited (with retryAfterSeconds
 * when sent); 5xx → unreachable; anything else → protocol. `hint` is
 * appended to the message (used to say whether credentials were sent).
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
  const reasons = errors.map((e) => (e.message === "" ? e.code : `${e.code}: ${e.message}`));
  const reason = reasons.length > 0 ? ` (${reasons.join("; ")})`.slice(0, 400) : "";
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
    if (typeof code !== "string") return [];
    return [{ code, message: typeof message === "string" ? message.slice(0, 200) : "" }];
  });
}
