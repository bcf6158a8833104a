/**
 * @module
 * Turns an event into stored deliveries: one per endpoint that wants it —
 * the instance-wide endpoints of the configuration file, and the webhooks of
 * the organization that owns the event's repository, namespace or
 * application (every organization's webhooks for an instance-wide event such
 * as gc). The body is built once and bounded: `{ event, type, org, at, … }`,
 * at most 64 KiB (a larger one keeps only its identifying fields and
 * `truncated: true`). Quota events repeat at most once an hour per
 * namespace and type (every refused blob would raise one).
 */
import { randomUUID } from "node:crypto";
import { globPattern } from "../gc/retention.ts";
import type { Logger } from "../log/create-logger.ts";
import type { DeliveryStore, WebhookStore } from "../metadata/webhooks-metadata.ts";
import { type EventFamily, familyOf, ownerNamespace, type WebhookEvent } from "./webhook-event.ts";

/** An endpoint of the configuration file (`webhooks.endpoints`): instance-wide. */
export interface ConfiguredEndpoint {
  readonly url: string;
  readonly secret: string;
  readonly events: readonly string[];
  readonly repositories: string;
}

/** What the publisher works with. */
export interface PublisherDeps {
  readonly store: Pick<WebhookStore, "listWebhooks" | "webhooksFor"> & Pick<DeliveryStore, "enqueueDelivery">;
  readonly configured: readonly ConfiguredEndpoint[];
  /** The organization owning namespace `name`, or undefined (a user's namespace, none). */
  orgOf(name: string): Promise<{ readonly id: number; readonly name: string } | undefined>;
  readonly clock: () => number;
  readonly log: Pick<Logger, "warn">;
  /** Called with the ids of the deliveries just stored. */
  wake(ids: readonly string[]): void;
}

/** The largest body sent, in bytes. */
export const maxBodyBytes = 64 * 1024;
const quotaRepeatMs = 3_600_000;

interface Target {
  readonly webhookId: number | null;
  readonly url: string;
  readonly events: readonly string[];
  readonly repositories: string;
}

function wants(target: Target, family: EventFamily, repository: string | undefined): boolean {
  if (!target.events.includes(family)) return false;
  return repository === undefined || globPattern(target.repositories).test(repository);
}

function bodyOf(event: WebhookEvent, family: EventFamily, org: string | null, at: number): string {
  const body = JSON.stringify({ event: family, ...event, org, at: new Date(at).toISOString() });
  if (Buffer.byteLength(body) <= maxBodyBytes) return body;
  const { type, repository, namespace, app } = event;
  return JSON.stringify({
    event: family,
    type,
    repository,
    namespace,
    app,
    org,
    at: new Date(at).toISOString(),
    truncated: true,
  });
}

/** Creates the publisher; `publish` resolves once the deliveries are stored and never rejects. */
export function createPublisher(deps: PublisherDeps) {
  const lastQuota = new Map<string, number>();

  function repeatedQuota(event: WebhookEvent, family: EventFamily, at: number): boolean {
    if (family !== "quota") return false;
    const key = `${event.type}:${event.namespace}`;
    const last = lastQuota.get(key);
    if (last !== undefined && at - last < quotaRepeatMs) return true;
    lastQuota.set(key, at);
    return false;
  }

  async function targetsOf(family: EventFamily, event: WebhookEvent) {
    const owner = ownerNamespace(event);
    const org = owner === undefined ? undefined : await deps.orgOf(owner);
    const rows =
      owner === undefined ? await deps.store.webhooksFor(family) : org ? await deps.store.listWebhooks(org.id) : [];
    const targets: Target[] = [
      ...deps.configured.map((e) => ({ ...e, webhookId: null })),
      ...rows.map((w) => ({ webhookId: w.id, url: w.url, events: w.events, repositories: w.repositories })),
    ];
    return { org: org?.name ?? null, targets: targets.filter((t) => wants(t, family, event.repository)) };
  }

  async function publish(event: WebhookEvent): Promise<void> {
    const family = familyOf(event.type);
    const at = deps.clock();
    if (family === undefined || repeatedQuota(event, family, at)) return;
    try {
      const { org, targets } = await targetsOf(family, event);
      if (targets.length === 0) return;
      const body = bodyOf(event, family, org, at);
      const ids: string[] = [];
      for (const t of targets) {
        const id = randomUUID();
        await deps.store.enqueueDelivery({ id, webhookId: t.webhookId, url: t.url, event: event.type, body, at });
        ids.push(id);
      }
      deps.wake(ids);
    } catch (error) {
      deps.log.warn({ err: error, event: event.type }, "webhook event not stored");
    }
  }

  return { publish };
}
