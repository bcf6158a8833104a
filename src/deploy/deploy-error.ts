/**
 * @module
 * How the deploy module (services and their rendered manifests) fails: one
 * typed error whose kind says what went wrong and whose message says what
 * to change. The HTTP edge maps each kind to a registered wire code
 * (http/domain-error-codes.ts).
 */
import { DomainError } from "../errors/domain-error.ts";

/**
 * - `invalid-input`: the service definition or a render option is not acceptable;
 * - `not-found`: the service does not exist;
 * - `conflict`: the name is taken, or something still uses it.
 */
export type DeployErrorKind = "invalid-input" | "not-found" | "conflict";

/** A deploy failure with a message that says what to change. */
export class DeployError extends DomainError<DeployErrorKind> {}
