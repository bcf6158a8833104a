/**
 * @module
 * The shape every domain module fails with: a small closed set of kinds, a
 * message for the client that says what to change, and optional data (facts
 * a caller or the HTTP edge may need, never a secret). Domain code never
 * names a wire code or an HTTP status; `http/domain-error-codes.ts` maps each
 * kind to a registered code in one table.
 */

/** Options of a domain error. */
export interface DomainErrorOptions<D> {
  /** Facts about the failure (e.g. an upload's progress), for callers and the HTTP edge. */
  readonly data?: D;
  readonly cause?: unknown;
}

/** A failure of kind `K` with a client-facing message and optional data `D`. */
export class DomainError<K extends string = string, D = unknown> extends Error {
  readonly kind: K;
  readonly data: D | undefined;

  constructor(kind: K, message: string, options: DomainErrorOptions<D> = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.kind = kind;
    this.data = options.data;
  }
}

/** True when `error` is a DomainError, optionally of the given kind (whatever its module). */
export function isDomainError(error: unknown, kind?: string): error is DomainError {
  return error instanceof DomainError && (kind === undefined || error.kind === kind);
}
