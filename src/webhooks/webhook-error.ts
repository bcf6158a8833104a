/**
 * @module
 * How the webhook module fails for something a client can fix: a small
 * closed set of kinds with a message that says what to change. The HTTP edge
 * maps each kind to a registered wire code (http/domain-error-codes.ts).
 * Messages never hold a secret.
 */
import { DomainError } from "../errors/domain-error.ts";

/**
 * - `invalid`: the input breaks a rule (a URL the outbound guard refuses, an unknown event);
 * - `not-found`: no such organization, webhook or delivery;
 * - `denied`: the caller is not an owner of the organization.
 */
export type WebhookErrorKind = "invalid" | "not-found" | "denied";

/** A failure of the webhook service. */
export class WebhookError extends DomainError<WebhookErrorKind> {}
