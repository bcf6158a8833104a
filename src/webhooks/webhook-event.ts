/**
 * @module
 * What the webhook module delivers: an event of one family (`push`,
 * `delete`, `pull`, `quota`, `license`, `gc`), typed more finely
 * (`license.revoked`, `quota.exceeded`, `gc.finished`). An event names what
 * it concerns — a repository, a namespace or an application — and the module
 * finds the organization that owns it; an event naming none (gc) is
 * instance-wide. Values must be JSON and hold no secret.
 */

/** Every event family an endpoint may subscribe to. */
export const eventFamilies = ["push", "delete", "pull", "quota", "license", "gc"] as const;

/** An event family. */
export type EventFamily = (typeof eventFamilies)[number];

/** An event as features publish it; every field but `type` goes into the body as is. */
export interface WebhookEvent {
  /** `push`, `delete`, `pull`, `quota.warning`, `quota.exceeded`, `license.created`, `gc.finished`, … */
  readonly type: string;
  /** The repository (`shop/api`) of push, delete and pull events; its namespace is the owner. */
  readonly repository?: string;
  /** The namespace of quota events. */
  readonly namespace?: string;
  /** The application of license events. */
  readonly app?: string;
  readonly [field: string]: unknown;
}

/** Publishes events; never throws, never waits for delivery. */
export interface WebhookEvents {
  publish(event: WebhookEvent): void;
}

/** The family of `type` (`license.revoked` → `license`), or undefined for an unknown one. */
export function familyOf(type: string): EventFamily | undefined {
  const family = type.split(".", 1)[0];
  return (eventFamilies as readonly string[]).includes(family!) ? (family as EventFamily) : undefined;
}

/** The namespace whose organization owns `event`, or undefined for an instance-wide event. */
export function ownerNamespace(event: WebhookEvent): string | undefined {
  if (event.repository !== undefined) return event.repository.split("/", 1)[0];
  return event.namespace ?? event.app;
}
