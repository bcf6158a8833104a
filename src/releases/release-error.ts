/**
 * @module
 * The error of the releases services: a small typed kind the HTTP layer
 * maps to a registered wire code (`http/domain-error-codes.ts`); the message
 * says what to change and never holds a credential.
 */
import { DomainError } from "../errors/domain-error.ts";

/**
 * Why the releases services refused:
 * - `not-found`: no such application or release (or not one this license may see);
 * - `invalid`: bad input (version, channel, image entry);
 * - `conflict`: the version exists already (releases are immutable);
 * - `denied`: the caller may not do this;
 * - `source`: an image could not be resolved or read from where it lives.
 */
export type ReleaseErrorKind = "not-found" | "invalid" | "conflict" | "denied" | "source";

/** A releases failure a client can act on. */
export class ReleaseError extends DomainError<ReleaseErrorKind> {}
