/**
 * @module
 * The one table from repository failure kinds to registered wire codes, and
 * the header that marks content served from cache while its source failed.
 * The code alone sets the status; a rate limit's wait travels as the error's
 * `retryAfterSeconds` hint, which write-error turns into `Retry-After`.
 */
import type { ErrorCode } from "../../errors/error-codes.ts";
import { WharfError } from "../../errors/wharf-error.ts";
import { RepositoryError, type RepositoryErrorKind } from "../../registry/repository-error.ts";

/** Set on manifests and tag lists served from the proxy cache while the upstream failed; its value says why. */
export const staleHeader = "Wharf-Proxy-Stale";

const codes = {
  "read-only": "UNSUPPORTED",
  "manifest-unknown": "MANIFEST_UNKNOWN",
  "blob-unknown": "BLOB_UNKNOWN",
  "name-unknown": "NAME_UNKNOWN",
  unauthorized: "UNAUTHORIZED",
  "rate-limited": "TOOMANYREQUESTS",
  unavailable: "UNAVAILABLE",
} as const satisfies Record<RepositoryErrorKind, ErrorCode>;

/** A RepositoryError as the WharfError to write (a rate limit's wait as its Retry-After hint); anything else unchanged. */
export function wireErrorFor(error: unknown): unknown {
  if (!(error instanceof RepositoryError)) return error;
  const { retryAfterSeconds } = error;
  return new WharfError(codes[error.kind], error.message, retryAfterSeconds === undefined ? {} : { retryAfterSeconds });
}
