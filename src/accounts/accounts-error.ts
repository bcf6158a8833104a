/**
 * @module
 * How the accounts module (users, organizations, teams, tokens, robots,
 * grants, audit) fails: one typed error whose kind says what went wrong and
 * whose message says what to change. The HTTP edge maps each kind to a
 * registered wire code (http/domain-error-codes.ts).
 */
import { DomainError } from "../errors/domain-error.ts";

/**
 * - `invalid-input`: a name, scope, duration, password or option is not acceptable;
 * - `not-found`: the named user, organization, team, token, robot or repository does not exist;
 * - `conflict`: the name is taken, or the change clashes with the current state;
 * - `forbidden`: the caller is known but may not do this;
 * - `unauthenticated`: nobody is logged in;
 * - `rate-limited`: too many failed password checks; retry later.
 */
export type AccountsErrorKind =
  | "invalid-input"
  | "not-found"
  | "conflict"
  | "forbidden"
  | "unauthenticated"
  | "rate-limited";

/** An accounts failure with a message that says what to change. */
export class AccountsError extends DomainError<AccountsErrorKind> {}
