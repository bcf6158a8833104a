/**
 * @module
 * Webhooks and deliveries as the API shows them: times as ISO text, never a
 * secret or its ciphertext.
 */
import type { OrganizationRow } from "../metadata/accounts-metadata.ts";
import type { AttemptRow, DeliveryRow, WebhookRow } from "../metadata/webhooks-metadata.ts";

/** A webhook without its secret. */
export interface WebhookView {
  readonly id: number;
  readonly org: string;
  readonly url: string;
  readonly events: readonly string[];
  readonly repositories: string;
  readonly keyVersion: number;
  readonly createdBy: string;
  readonly createdAt: string;
}

/** One try of a delivery. */
export interface AttemptView {
  readonly attempt: number;
  readonly at: string;
  readonly statusCode: number | null;
  readonly durationMs: number;
  readonly error: string | null;
}

/** A delivery with its log. */
export interface DeliveryView {
  readonly id: string;
  /** Where it is sent: the webhook's URL, or a configuration file endpoint's. */
  readonly url: string;
  readonly event: string;
  readonly state: string;
  readonly attempts: number;
  readonly statusCode: number | null;
  readonly durationMs: number | null;
  readonly nextAttemptAt: string | null;
  readonly error: string | null;
  readonly redeliveryOf: string | null;
  readonly createdAt: string;
  readonly log: readonly AttemptView[];
}

/** The webhook id that stands for the configuration file's endpoints (stored ids are numbers). */
export const configuredWebhookId = "config";

const iso = (ms: number) => new Date(ms).toISOString();

/** The view of `row` in `org`. */
export function webhookView(row: WebhookRow, org: Pick<OrganizationRow, "name">): WebhookView {
  return {
    id: row.id,
    org: org.name,
    url: row.url,
    events: row.events,
    repositories: row.repositories,
    keyVersion: row.keyVersion,
    createdBy: row.createdBy,
    createdAt: iso(row.createdAt),
  };
}

/** The view of delivery `d` with its attempts. */
export function deliveryView(d: DeliveryRow, attempts: readonly AttemptRow[]): DeliveryView {
  return {
    id: d.id,
    url: d.url,
    event: d.event,
    state: d.state,
    attempts: d.attempts,
    statusCode: d.lastStatus,
    durationMs: d.lastDurationMs,
    nextAttemptAt: d.state === "pending" && d.nextAttemptAt !== null ? iso(d.nextAttemptAt) : null,
    error: d.lastError,
    redeliveryOf: d.redeliveryOf,
    createdAt: iso(d.createdAt),
    log: attempts.map((a) => ({ ...a, at: iso(a.at) })),
  };
}
