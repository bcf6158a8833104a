/**
 * @module
 * What the proxy tells a client when the upstream failed, and whether cached
 * content may stand in. The client learns the category only; the upstream's
 * own message (URLs, error bodies) is logged, never returned, and the
 * registry client never puts credentials in either.
 */
import { RepositoryError } from "../registry/repository-error.ts";
import type { RegistryFailure } from "../registry-client/registry-result.ts";

/** What was being fetched: decides which "unknown" code a 404 becomes. */
export type FetchKind = "manifest" | "blob" | "tags";

const unknownKind = { manifest: "manifest-unknown", blob: "blob-unknown", tags: "name-unknown" } as const;

/**
 * Why cached content is served instead (the stale header's value), or
 * undefined when the failure is an answer (not found, refused) rather than
 * an outage: down, timed out, 5xx, TLS trouble or rate-limited.
 */
export function staleReason(failure: RegistryFailure): string | undefined {
  if (failure.kind === "rate-limited") return "upstream rate-limited";
  if (failure.kind === "unreachable" || failure.kind === "tls") return "upstream unavailable";
  return undefined;
}

/** The client-safe error for an upstream failure of a `kind` fetch of `what`. */
export function upstreamError(failure: RegistryFailure, kind: FetchKind, what: string): RepositoryError {
  switch (failure.kind) {
    case "not-found":
      return new RepositoryError(unknownKind[kind], `${what} is not in the upstream registry`);
    case "unauthorized":
    case "forbidden":
      return new RepositoryError(
        "unauthorized",
        `the upstream registry refused the credentials stored for it; the vendor must update the external registry`,
      );
    case "rate-limited":
      return new RepositoryError(
        "rate-limited",
        `the upstream registry is rate-limiting pulls of ${what} and it is not cached; retry later`,
        { retryAfterSeconds: failure.retryAfterSeconds ?? 60 },
      );
    default:
      return new RepositoryError("unavailable", `the upstream registry is unavailable and ${what} is not cached`);
  }
}
