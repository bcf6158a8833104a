/**
 * @module
 * How the quota service fails: a blob that would take a namespace over its
 * quota (`quota-exceeded`, with the limit and usage as data, written as the
 * envelope's `detail`), or removing a quota the namespace does not have
 * (`not-found`). The HTTP edge maps the kinds (http/domain-error-codes.ts).
 */
import { DomainError } from "../errors/domain-error.ts";

/**
 * - `quota-exceeded`: storing the blob would take the namespace over its limit;
 * - `not-found`: the namespace has no quota to remove.
 */
export type QuotaErrorKind = "quota-exceeded" | "not-found";

/** The numbers of a refusal, in bytes. */
export interface QuotaErrorData {
  readonly namespace: string;
  readonly limit: number;
  readonly used: number;
  readonly size: number;
}

/** A quota refusal with a message that says how to make room. */
export class QuotaError extends DomainError<QuotaErrorKind, QuotaErrorData> {}
