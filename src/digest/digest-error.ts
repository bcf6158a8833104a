/**
 * @module
 * How digest parsing fails: `digest-invalid`, the same kind a repository
 * uses for content that does not match its digest — both are OCI's
 * DIGEST_INVALID at the HTTP edge (http/domain-error-codes.ts).
 */
import { DomainError } from "../errors/domain-error.ts";

/** `digest-invalid`: the text is not a sha256 or sha512 digest in lower-case hex. */
export type DigestErrorKind = "digest-invalid";

/** A digest refused by the parser; the message quotes it (cut) and says what is accepted. */
export class DigestError extends DomainError<DigestErrorKind> {}
