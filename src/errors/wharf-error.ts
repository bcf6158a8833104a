/**
 * @module
 * The one error type domain code throws for a failure a client can act on.
 * It names a registered wire code; the HTTP edge turns it into the spec's JSON
 * envelope. Expected absence is a return value, never a WharfError.
 */
import { type ErrorCode, errorCodes } from "./error-codes.ts";

/** Options that refine how the error is written. */
export interface WharfErrorOptions {
  /** Structured detail for the envelope's `detail` field (never a secret). */
  readonly detail?: unknown;
  /** Overrides the code's registered status (e.g. 416 for an out-of-order chunk). */
  readonly status?: number;
  /** Extra response headers (e.g. `Range`, `Retry-After`). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly cause?: unknown;
}

/** A client-visible failure with a registered wire code and a message saying what to change. */
export class WharfError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: unknown;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ErrorCode, message?: string, options: WharfErrorOptions = {}) {
    super(message ?? errorCodes[code].message, { cause: options.cause });
    this.name = "WharfError";
    this.code = code;
    this.status = options.status ?? errorCodes[code].status;
    this.detail = options.detail;
    this.headers = options.headers ?? {};
  }
}

/** True when `error` is a WharfError, optionally with the given code. */
export function isWharfError(error: unknown, code?: ErrorCode): error is WharfError {
  return error instanceof WharfError && (code === undefined || error.code === code);
}
