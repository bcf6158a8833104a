/**
 * @module
 * How the external-registry module fails for something a client can fix: a
 * small closed set of kinds with a message that says what to change. The
 * HTTP edge maps each kind to a registered wire code (http/domain-error-codes.ts); nothing here knows
 * about statuses. Messages never hold a password.
 */
import { DomainError } from "../errors/domain-error.ts";

/**
 * - `invalid`: the input breaks a rule (every broken rule, "; "-separated);
 * - `not-found`: the organization has no external registry of that name;
 * - `conflict`: the short name is taken in the organization.
 */
export type ExternalRegistryErrorKind = "invalid" | "not-found" | "conflict";

/** A failure of the external-registry service. */
export class ExternalRegistryError extends DomainError<ExternalRegistryErrorKind> {}

/** Throws `invalid` joining every problem given ("; "); returns when there is none. */
export function refuseProblems(problems: readonly (string | undefined)[]): void {
  const found = problems.filter((p) => p !== undefined);
  if (found.length > 0) throw new ExternalRegistryError("invalid", found.join("; "));
}
