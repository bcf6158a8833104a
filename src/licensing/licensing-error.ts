/**
 * @module
 * The error of the licensing services: a small typed kind the HTTP layer
 * maps to a registered wire code (`http/domain-error-codes.ts`); the
 * message says what to change and never holds a license id.
 */
import { DomainError } from "../errors/domain-error.ts";

/**
 * Why licensing refused:
 * - `not-found`: no such application, customer or license;
 * - `invalid`: bad input (name, e-mail, pattern, duration, namespace);
 * - `conflict`: the name is taken, or the license is revoked;
 * - `denied`: the caller may not do this.
 */
export type LicensingErrorKind = "not-found" | "invalid" | "conflict" | "denied";

/** A licensing failure a client can act on. */
export class LicensingError extends DomainError<LicensingErrorKind> {}
