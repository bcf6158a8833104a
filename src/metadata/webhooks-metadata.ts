/**
 * @module
 * The webhook part of the metadata port, split by role: the endpoints an
 * organization registered ({@link WebhookStore}) and the deliveries with
 * their attempts ({@link DeliveryStore}). Plain rows: the store never sees a
 * secret, only the ciphertext the services layer sealed. Times are
 * milliseconds since the epoch; absence is `undefined`.
 */
import type { SealedValue } from "./secrets-metadata.ts";

/** What an endpoint is, besides its identity and secret. */
export interface WebhookFields {
  readonly url: string;
  /** Event families it receives: push, delete, pull, quota, license, gc. */
  readonly events: readonly string[];
  /** A repository name or `*` glob; events without a repository ignore it. */
  readonly repositories: string;
  /** Who added it (audit and display). */
  readonly createdBy: string;
}

/** A stored endpoint. */
export interface WebhookRow extends WebhookFields, SealedValue {
  readonly id: number;
  readonly orgId: number;
  readonly createdAt: number;
}

/** An organization's webhooks. */
export interface WebhookStore {
  /**
   * Inserts an endpoint and, in the same transaction, stores what `seal`
   * returns for the new id (the id is bound into the ciphertext). Nothing
   * is stored if `seal` throws.
   */
  createWebhook(
    orgId: number,
    fields: WebhookFields,
    seal: (id: number) => SealedValue,
    at: number,
  ): Promise<WebhookRow>;
  findWebhook(id: number): Promise<WebhookRow | undefined>;
  /** The organization's webhooks by id. */
  listWebhooks(orgId: number): Promise<WebhookRow[]>;
  /** Every webhook of every organization subscribed to `event` (instance-wide events such as gc). */
  webhooksFor(event: string): Promise<WebhookRow[]>;
  /** Removes it and its deliveries; false when there was none. */
  deleteWebhook(id: number): Promise<boolean>;
  /** Up to `limit` webhooks whose secret is not under `currentVersion`, ids above `afterId`, by id. */
  staleWebhooks(currentVersion: number, afterId: number, limit: number): Promise<WebhookRow[]>;
  /** Replaces webhook `id`'s ciphertext only if it is still `expected` (compare-and-set); true when replaced. */
  replaceWebhookCiphertext(id: number, expected: string, sealed: SealedValue): Promise<boolean>;
}

/** `pending` (waiting for its next attempt), `delivered` (a 2xx), `failed` (every attempt used). */
export type DeliveryState = "pending" | "delivered" | "failed";

/** A delivery to store: one event for one endpoint. */
export interface NewDelivery {
  /** A fresh id, sent as `X-Wharf-Delivery` on every attempt. */
  readonly id: string;
  /** Null for an endpoint of the configuration file. */
  readonly webhookId: number | null;
  readonly url: string;
  readonly event: string;
  readonly body: string;
  readonly redeliveryOf?: string;
  readonly at: number;
}

/** A stored delivery. */
export interface DeliveryRow {
  readonly id: string;
  readonly webhookId: number | null;
  readonly url: string;
  readonly event: string;
  readonly body: string;
  readonly state: DeliveryState;
  readonly attempts: number;
  /** When the next attempt is due (pending only). */
  readonly nextAttemptAt: number | null;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly lastDurationMs: number | null;
  readonly redeliveryOf: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** One try of a delivery: the answer's status (null: none came) and how long it took. */
export interface AttemptRow {
  readonly attempt: number;
  readonly at: number;
  readonly statusCode: number | null;
  readonly durationMs: number;
  readonly error: string | null;
}

/** Deliveries, their attempts, and the module's progress marks. */
export interface DeliveryStore {
  /** Stores a pending delivery due at `at`. */
  enqueueDelivery(delivery: NewDelivery): Promise<void>;
  /** Ids of up to `limit` pending deliveries due at `now`, oldest due first. */
  dueDeliveries(now: number, limit: number): Promise<string[]>;
  /**
   * Claims pending delivery `id` until `until` unless another claim holds it
   * at `now`; the delivery, or undefined when it is not pending or is held.
   */
  claimDelivery(id: string, now: number, until: number): Promise<DeliveryRow | undefined>;
  /**
   * Appends attempt `attempt.attempt` and sets the delivery's outcome:
   * `nextAttemptAt` null ends it (`delivered` or `failed`). Releases the claim.
   */
  recordAttempt(id: string, attempt: AttemptRow, state: DeliveryState, nextAttemptAt: number | null): Promise<void>;
  findDelivery(id: string): Promise<DeliveryRow | undefined>;
  /** A webhook's newest deliveries first; with `null`, the deliveries to the configuration file's endpoints. */
  listDeliveries(webhookId: number | null, limit: number): Promise<DeliveryRow[]>;
  /** Deletes up to `limit` finished (delivered or failed) deliveries last changed before `before`; how many. */
  pruneDeliveries(before: number, limit: number): Promise<number>;
  /** A delivery's attempts, first first. */
  listAttempts(id: string): Promise<AttemptRow[]>;
  /** The mark `name`, or undefined when never set. */
  readCursor(name: string): Promise<number | undefined>;
  /** Sets mark `name` to `value` only if it is still `expected` (compare-and-set); true when set. */
  moveCursor(name: string, expected: number | undefined, value: number): Promise<boolean>;
}
