/**
 * @module
 * How the pull-secrets module fails on input or access: one typed error
 * whose kind says what went wrong and whose message says what to change
 * (never the secret itself). A master key that cannot open a secret is a
 * MasterKeyError instead: the operator's problem, not the client's. The HTTP
 * edge maps each kind to a registered wire code (http/domain-error-codes.ts).
 */
import { DomainError } from "../errors/domain-error.ts";

/**
 * - `invalid-input`: a name, field, registry or imported config is not acceptable;
 * - `not-found`: the organization or secret does not exist;
 * - `conflict`: the name is taken, or the secret is still in use;
 * - `forbidden`: the caller may not read or change the organization's secrets.
 */
export type SecretsErrorKind = "invalid-input" | "not-found" | "conflict" | "forbidden";

/** A pull-secrets failure with a message that says what to change. */
export class SecretsError extends DomainError<SecretsErrorKind> {}
