/**
 * @module
 * How a repository implementation other than the local one fails: a small
 * closed set of kinds that the HTTP edge maps to registered wire codes. The
 * message is written for the client and never carries another system's
 * detail (an upstream registry's error text, URLs or credentials): that goes
 * to the log where the failure happened.
 */

/**
 * - `read-only`: the repository cannot be pushed to or deleted from;
 * - `manifest-unknown`, `blob-unknown`, `name-unknown`: absent;
 * - `unauthorized`: the repository's source refused Wharf's credentials;
 * - `rate-limited`: the source asks to come back later (`retryAfterSeconds`);
 * - `unavailable`: the source is down, slow or broken, and nothing cached can stand in.
 */
export type RepositoryErrorKind =
  | "read-only"
  | "manifest-unknown"
  | "blob-unknown"
  | "name-unknown"
  | "unauthorized"
  | "rate-limited"
  | "unavailable";

/** A repository failure with a client-safe message. */
export class RepositoryError extends Error {
  readonly kind: RepositoryErrorKind;
  readonly retryAfterSeconds: number | undefined;
  constructor(kind: RepositoryErrorKind, message: string, retryAfterSeconds?: number) {
    super(message);
    this.name = "RepositoryError";
    this.kind = kind;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
