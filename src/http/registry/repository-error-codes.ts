/**
 * @module
 * The one table from repository failure kinds to registered wire codes, and
 * the header that marks content served from cache while its source failed.
 * The code alone sets the status; a rate limit's `Retry-After` is set on the
 * response here, where HTTP is known.
 */
import type { ServerResponse } from "node:http";
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

/** A RepositoryError as the WharfError to write (setting Retry-After on `res`); anything else unchanged. */
export function wireErrorFor(error: unknown, res: ServerResponse): unknown {
  if (!(error instanceof RepositoryError)) return error;
  if (error.retryAfterSeconds !== undefined && !res.headersSent) {
    res.setHeader("Retry-After", String(error.retryAfterSeconds));
  }
  return new WharfError(codes[error.kind], error.message);
}
