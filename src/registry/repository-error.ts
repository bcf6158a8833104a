/**
 * @module
 * How a repository fails, local or not: a small closed set of kinds that the
 * HTTP edge maps to registered wire codes (http/domain-error-codes.ts). The
 * message is written for the client and never carries another system's
 * detail (an upstream registry's error text, URLs or credentials): that goes
 * to the log where the failure happened. Facts a client needs travel as
 * data: a wait (`retryAfterSeconds`) and an upload's progress (`upload`)
 * become headers at the edge; any other field is the envelope's `detail`.
 */
import { DomainError } from "../errors/domain-error.ts";

/**
 * - `read-only`: the repository cannot be pushed to or deleted from;
 * - `manifest-unknown`, `blob-unknown`, `name-unknown`: absent;
 * - `manifest-blob-unknown`: a pushed manifest references content not in the repository;
 * - `tag-invalid`: a tag that breaks the tag grammar;
 * - `tag-immutable`: an immutable-tags rule keeps the tag where it is;
 * - `digest-invalid`: content does not match its digest (DigestError uses the kind for a malformed digest);
 * - `size-invalid`: a blob larger than the registry accepts;
 * - `quota-exceeded`: the pusher holds too many sessions or unfinished bytes;
 * - `upload-unknown`: no such upload session (finished, cancelled, expired);
 * - `upload-out-of-order`: a chunk does not start where the session ends (`upload` says where it does);
 * - `upload-length-mismatch`: a chunk's body differs from its declared range;
 * - `unauthorized`: the repository's source refused Wharf's credentials;
 * - `rate-limited`: the source asks to come back later (`retryAfterSeconds`);
 * - `unavailable`: the source is down, slow or broken (or a blob is being
 *   collected), and nothing can stand in.
 */
export type RepositoryErrorKind =
  | "read-only"
  | "manifest-unknown"
  | "blob-unknown"
  | "name-unknown"
  | "manifest-blob-unknown"
  | "tag-invalid"
  | "tag-immutable"
  | "digest-invalid"
  | "size-invalid"
  | "quota-exceeded"
  | "upload-unknown"
  | "upload-out-of-order"
  | "upload-length-mismatch"
  | "unauthorized"
  | "rate-limited"
  | "unavailable";

/** Facts about a repository failure (see the module comment for how each reaches the client). */
export interface RepositoryErrorData {
  /** Seconds after which a retry may succeed. */
  readonly retryAfterSeconds?: number;
  /** An upload's progress: bytes received so far and, when it should be named, its session id. */
  readonly upload?: { readonly received: number; readonly id?: string };
  /** Anything else: structured facts for the client (digests, the tag and rule), never a secret. */
  readonly [fact: string]: unknown;
}

/** A repository failure with a client-safe message. */
export class RepositoryError extends DomainError<RepositoryErrorKind, RepositoryErrorData> {
  constructor(kind: RepositoryErrorKind, message: string, data?: RepositoryErrorData) {
    super(kind, message, data === undefined ? {} : { data });
  }

  /** The wait the source asked for, if any. */
  get retryAfterSeconds(): number | undefined {
    return this.data?.retryAfterSeconds;
  }
}
