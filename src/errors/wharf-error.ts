/**
 * @module
 * The wire error: a failure a client can act on, naming a registered wire
 * code, which alone sets the HTTP status. Only the HTTP layer builds one —
 * from a domain error through the one table (http/domain-error-codes.ts), or
 * for a protocol rule of its own — and writes it as the spec's JSON envelope,
 * its {@link ErrorHints} as response headers. Domain code throws DomainErrors
 * (errors/domain-error.ts). Expected absence is a return value, never an error.
 */
import { type ErrorCode, type ErrorDescriptor, errorCodes } from "./error-codes.ts";

/**
 * Facts about the failure a client needs to retry or resume. Domain code states
 * them as data; only the HTTP edge knows which header carries each.
 */
export interface ErrorHints {
  /** Seconds after which a retry may succeed (rate limits). */
  readonly retryAfterSeconds?: number;
  /** The methods the addressed resource supports (for an unsupported method). */
  readonly allow?: readonly string[];
  /** The authentication challenge, scheme and parameters (e.g. `Basic realm="wharf"`). */
  readonly challenge?: string;
  /** An upload's progress: bytes received so far and, when known, its session id. */
  readonly upload?: { readonly received: number; readonly id?: string };
  /** The size of the resource a requested byte range fell outside of. */
  readonly resourceSize?: number;
}

/** Options that refine how the error is written. */
export interface WharfErrorOptions extends ErrorHints {
  /** Structured detail for the envelope's `detail` field (never a secret). */
  readonly detail?: unknown;
  readonly cause?: unknown;
}

/** A client-visible failure with a registered wire code and a message saying what to change. */
export class WharfError extends Error {
  readonly code: ErrorCode;
  readonly detail: unknown;
  readonly hints: ErrorHints;

  constructor(code: ErrorCode, message?: string, options: WharfErrorOptions = {}) {
    super(message ?? errorCodes[code].message, { cause: options.cause });
    this.name = "WharfError";
    this.code = code;
    this.detail = options.detail;
    const { detail: _detail, cause: _cause, ...hints } = options;
    this.hints = hints;
  }

  /** The HTTP status registered for the code. */
  get status(): number {
    return errorCodes[this.code].status;
  }

  /** The code written in the envelope (the registered name unless it names a spec code's second status). */
  get wireCode(): string {
    const descriptor: ErrorDescriptor = errorCodes[this.code];
    return descriptor.wire ?? this.code;
  }
}

/** True when `error` is a WharfError, optionally with the given code. */
export function isWharfError(error: unknown, code?: ErrorCode): error is WharfError {
  return error instanceof WharfError && (code === undefined || error.code === code);
}
