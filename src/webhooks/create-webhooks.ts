/**
 * @module
 * Webhooks: the module's one entry point. Events — a manifest pushed or
 * deleted, pulls (aggregated per window), quota warnings and refusals,
 * licenses created, revoked, extended or expired, a garbage collection
 * finished — are POSTed as JSON to the endpoints that want them: the
 * organization's webhooks (stored, secrets sealed under the master key) and
 * the instance-wide endpoints of the configuration file (`webhooks.endpoints`).
 * Each body is signed (`X-Wharf-Signature: sha256=<hex HMAC-SHA256>`);
 * `X-Wharf-Event` names the event type, `X-Wharf-Delivery` the delivery (the
 * same on every retry). Deliveries are stored before they are sent, so a
 * restart keeps the log and resumes pending retries; every request goes
 * through the outbound guard. Secrets are never logged.
 */
import type { Kysely } from "kysely";
import type { GcReport } from "../gc/create-garbage-collector.ts";
import type { Logger } from "../log/create-logger.ts";
import type { AuditEvent } from "../metadata/accounts-metadata.ts";
import type { Database } from "../metadata/database-schema.ts";
import { createAccountsMetadata } from "../metadata/kysely-accounts-metadata.ts";
import { createLicenseExpiries } from "../metadata/kysely-license-expiries.ts";
import { createWebhookStore } from "../metadata/kysely-webhook-store.ts";
import type { DeliveryRow } from "../metadata/webhooks-metadata.ts";
import type { OutboundGuard } from "../net/outbound-guard.ts";
import type { ManifestEvent } from "../registry/manifest-service.ts";
import type { KeyRing } from "../secrets/key-ring.ts";
import { MasterKeyError } from "../secrets/master-key-error.ts";
import type { SecretStoreService } from "../secrets/secret-store-service.ts";
import { createLicenseExpiryWatch, withLicenseEvents } from "./license-events.ts";
import { createPullAggregator } from "./pull-aggregator.ts";
import { createDeliverer, type RetrySettings } from "./webhook-deliverer.ts";
import type { WebhookEvent } from "./webhook-event.ts";
import { type ConfiguredEndpoint, createPublisher } from "./webhook-publisher.ts";
import { withWebhookRotation } from "./webhook-rotation.ts";
import { createWebhookService, type WebhookServiceDeps } from "./webhook-service.ts";
import { openWebhookSecret } from "./webhook-vault.ts";

/** Settings of the webhooks (`webhooks.*`). */
export interface WebhookSettings extends RetrySettings {
  readonly endpoints: readonly ConfiguredEndpoint[];
  /** The window pulls are counted in before one `pull` event per repository and digest. */
  readonly pullWindowMs: number;
  /** Finished deliveries (and their attempts) older than this are deleted. */
  readonly keepDeliveriesMs: number;
}

/** What the module is built from. */
export interface WebhookDeps {
  readonly db: Kysely<Database>;
  readonly settings: WebhookSettings;
  readonly guard: OutboundGuard;
  readonly log: Logger;
  readonly clock: () => number;
}

const pruneEveryMs = 3_600_000;

/** The webhook module. */
export type Webhooks = ReturnType<typeof createWebhooks>;

/** Creates the module; `start` begins sending. */
export function createWebhooks(deps: WebhookDeps) {
  const { settings, clock, log } = deps;
  const store = createWebhookStore(deps.db);
  const accounts = createAccountsMetadata(deps.db);
  const orgNames = new Map<number, string>();
  let keyRing: () => KeyRing | undefined = () => undefined;
  let reloadKeyRing: (() => Promise<unknown>) | undefined;
  const inFlight = new Set<Promise<void>>();

  async function orgOf(namespace: string) {
    const ns = await accounts.findNamespace(namespace);
    if (!ns || ns.orgId === null) return undefined;
    if (!orgNames.has(ns.orgId)) {
      for (const o of await accounts.listOrganizations()) orgNames.set(o.id, o.name);
    }
    return { id: ns.orgId, name: orgNames.get(ns.orgId) ?? String(ns.orgId) };
  }

  async function secretOf(d: DeliveryRow): Promise<{ secret: string } | { problem: string; retry?: boolean }> {
    if (d.webhookId === null) {
      const endpoint = settings.endpoints.find((e) => e.url === d.url);
      return endpoint ? { secret: endpoint.secret } : { problem: "the endpoint is no longer in webhooks.endpoints" };
    }
    const row = await store.findWebhook(d.webhookId);
    const ring = keyRing();
    if (!row) return { problem: "the webhook was removed" };
    if (!ring) return { problem: "the master key is not loaded", retry: true };
    const open = (with_: KeyRing) => {
      try {
        return { secret: openWebhookSecret(with_, row) };
      } catch (error) {
        const stale = error instanceof MasterKeyError && error.reason === "unknown-version";
        return { problem: `the signing secret cannot be opened: ${(error as Error).message}`, retry: stale };
      }
    };
    const first = open(ring);
    if (!("retry" in first && first.retry) || !reloadKeyRing) return first;
    // Another node rotated the key: reload the ring once.
    await reloadKeyRing();
    return open(keyRing() ?? ring);
  }

  const deliverer = createDeliverer({ store, guard: deps.guard, log, clock, settings, secretOf });
  const publisher = createPublisher({
    store,
    configured: settings.endpoints,
    orgOf,
    clock,
    log,
    wake: deliverer.wake,
  });

  function publish(event: WebhookEvent): void {
    const stored = publisher.publish(event);
    inFlight.add(stored);
    void stored.finally(() => inFlight.delete(stored));
  }

  const pulls = createPullAggregator(settings.pullWindowMs, clock, publish);
  const expiry = createLicenseExpiryWatch(createLicenseExpiries(deps.db), store, clock, publish);
  let watch: NodeJS.Timeout | undefined;
  let lastPrune = Number.NEGATIVE_INFINITY;

  async function upkeep(): Promise<void> {
    await expiry.check();
    const now = clock();
    if (now - lastPrune < pruneEveryMs) return;
    lastPrune = now;
    await store.pruneDeliveries(now - settings.keepDeliveriesMs, 1000).catch((error: unknown) => {
      log.warn({ err: error }, "old webhook deliveries not pruned");
    });
  }

  return {
    /** Starts sending pending deliveries and watching for expired licenses (call once the server listens). */
    start(): void {
      deliverer.start();
      watch ??= setInterval(() => void upkeep(), 1000).unref();
    },
    /** Publishes an event (the emitter other modules call: `publish({ type: "quota.warning", namespace, … })`). */
    publish,
    /** The registry's manifest events (push, delete). */
    manifestChanged(event: ManifestEvent): void {
      publish({ ...event, type: event.event });
    },
    /** The registry pipeline's served manifests and blobs; manifests are counted into pull events. */
    pulled(event: { repository: string; reference: string; digest: string | undefined; kind: string }): void {
      if (event.kind === "manifest" && event.digest !== undefined) {
        pulls.record(event.repository, event.digest, event.reference);
      }
    },
    /** A garbage collection's report; runs that deleted (not dry runs) become `gc.finished`. */
    gcFinished(report: GcReport): void {
      if (report.dryRun) return;
      const { startedAt, durationMs, repositories, tags, manifests, links, blobs, bytes, resumed } = report;
      publish({
        type: "gc.finished",
        startedAt,
        durationMs,
        repositories,
        tags,
        manifests,
        links,
        blobs,
        bytes,
        resumed,
      });
    },
    /** An audit log that also publishes license events. */
    withLicenseEvents: <A extends { record(event: AuditEvent): void }>(audit: A) => withLicenseEvents(audit, publish),
    /** Sets where the master key ring is read from, and how it is reloaded (known once the secrets are loaded). */
    useKeyRing(ring: () => KeyRing | undefined, reload?: () => Promise<unknown>): void {
      keyRing = ring;
      reloadKeyRing = reload;
    },
    /** `rotation` (the key rotation of pull secrets and external registries) extended to webhook secrets. */
    withRotation: (rotation: Pick<SecretStoreService, "rotateAll">, audit: { record(event: AuditEvent): void }) =>
      withWebhookRotation(rotation, { store, keyRing: () => keyRing(), audit }),
    /** The management service over the accounts services. */
    service(accountsDeps: Pick<WebhookServiceDeps, "accounts" | "resolver" | "audit">) {
      return createWebhookService({
        ...accountsDeps,
        store,
        guard: deps.guard,
        keyRing: () => keyRing(),
        clock,
        wake: deliverer.wake,
      });
    },
    /** Flushes the pull counts, stores pending events and stops; unsent deliveries resume at the next start. */
    async close(): Promise<void> {
      if (watch) clearInterval(watch);
      pulls.close();
      while (inFlight.size > 0) await Promise.all(inFlight);
      await deliverer.close();
    },
  };
}
