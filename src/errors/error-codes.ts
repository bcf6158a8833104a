/**
 * @module
 * Every error code Wharf writes on the wire, registered once with its HTTP
 * status and default message. The OCI Distribution Spec codes come first
 * (spec.md, "Error Codes"), then the Docker token-auth code and Wharf's own
 * codes for the management API. Nobody invents codes: domain kinds map to
 * these in http/domain-error-codes.ts, HTTP handlers throw a
 * {@link WharfError} naming one, and the HTTP edge writes it.
 */

/** A registered code: the HTTP status it is written with, and its default message. */
export interface ErrorDescriptor {
  readonly status: number;
  readonly message: string;
  /**
   * The code written on the wire when it differs from the registered name: a
   * spec code the spec answers with a second status (e.g. BLOB_UPLOAD_INVALID
   * with 416 for an out-of-order chunk) is registered again under its own name.
   */
  readonly wire?: string;
}

/** The registry of wire codes. Add a code here, nowhere else. */
export const errorCodes = {
  BLOB_UNKNOWN: { status: 404, message: "blob unknown to registry" },
  BLOB_UPLOAD_INVALID: { status: 400, message: "blob upload invalid" },
  BLOB_UPLOAD_RANGE_INVALID: {
    status: 416,
    wire: "BLOB_UPLOAD_INVALID",
    message: "blob upload chunk does not start where the upload ends",
  },
  BLOB_UPLOAD_UNKNOWN: { status: 404, message: "blob upload unknown to registry" },
  DIGEST_INVALID: { status: 400, message: "provided digest did not match uploaded content" },
  MANIFEST_BLOB_UNKNOWN: {
    status: 400,
    message: "manifest references a manifest or blob unknown to registry",
  },
  MANIFEST_INVALID: { status: 400, message: "manifest invalid" },
  MANIFEST_TOO_LARGE: { status: 413, wire: "MANIFEST_INVALID", message: "manifest too large" },
  MANIFEST_UNKNOWN: { status: 404, message: "manifest unknown to registry" },
  NAME_INVALID: { status: 400, message: "invalid repository name" },
  NAME_UNKNOWN: { status: 404, message: "repository name not known to registry" },
  SIZE_INVALID: { status: 400, message: "provided length did not match content length" },
  TAG_INVALID: { status: 400, message: "manifest tag did not match URI" },
  UNAUTHORIZED: { status: 401, message: "authentication required" },
  DENIED: { status: 403, message: "requested access to the resource is denied" },
  UNSUPPORTED: { status: 405, message: "the operation is unsupported" },
  TOOMANYREQUESTS: { status: 429, message: "too many requests" },
  PAGINATION_NUMBER_INVALID: { status: 400, message: "invalid number of results requested" },
  RANGE_INVALID: { status: 416, message: "requested range not satisfiable" },
  REQUEST_TOO_LARGE: { status: 413, message: "request entity too large" },
  REQUEST_TIMEOUT: { status: 408, message: "the request was not received in time" },
  REQUEST_HEADERS_TOO_LARGE: { status: 431, message: "request header fields too large" },
  INVALID_REQUEST: { status: 400, message: "the request is invalid" },
  NOT_FOUND: { status: 404, message: "not found" },
  CONFLICT: { status: 409, message: "conflict" },
  UNAVAILABLE: { status: 503, message: "service unavailable" },
  UNKNOWN: { status: 500, message: "unknown error" },
} as const satisfies Record<string, ErrorDescriptor>;

/** The name of a registered wire code. */
export type ErrorCode = keyof typeof errorCodes;
