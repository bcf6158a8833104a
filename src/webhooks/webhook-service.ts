/**
 * @module
 * Managing an organization's webhooks: add (the signing secret is given or
 * generated, sealed under the master key, and shown in that one answer
 * only), list, show, remove, the delivery log and redelivery. Only owners of
 * the organization may (server administrators count as owners); everyone
 * else is denied, members and team admins included. A URL the outbound guard
 * refuses is refused when added. Every change is audited, never with a secret.
 *
 * The instance-wide endpoints of the configuration file (`webhooks.endpoints`)
 * are not an organization's: they receive every organization's events, so
 * only server administrators read their delivery log (under the reserved
 * webhook id {@link configuredWebhookId}) and redeliver their deliveries.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { type Caller, requireAdmin, requireManager } from "../accounts/management-access.ts";
import type { PermissionResolver } from "../accounts/permission-resolver.ts";
import type { AccountsMetadata, AuditEvent, OrganizationRow } from "../metadata/accounts-metadata.ts";
import type { DeliveryRow, DeliveryStore, WebhookRow, WebhookStore } from "../metadata/webhooks-metadata.ts";
import type { OutboundGuard } from "../net/outbound-guard.ts";
import type { KeyRing } from "../secrets/key-ring.ts";
import { WebhookError } from "./webhook-error.ts";
import { eventFamilies } from "./webhook-event.ts";
import { sealWebhookSecret } from "./webhook-vault.ts";
import { configuredWebhookId, type DeliveryView, deliveryView, type WebhookView, webhookView } from "./webhook-view.ts";

/** What a new webhook is made of. */
export interface NewWebhookInput {
  readonly url: string;
  readonly events?: readonly string[];
  readonly repositories?: string;
  /** 16+ characters; generated (32 random bytes, hex) when left out. */
  readonly secret?: string;
}

/** What the service works with. */
export interface WebhookServiceDeps {
  readonly accounts: Pick<AccountsMetadata, "findOrganization" | "listOrganizations">;
  readonly resolver: Pick<PermissionResolver, "organizationRole">;
  readonly audit: { record(event: AuditEvent): void };
  readonly store: WebhookStore & DeliveryStore;
  readonly guard: OutboundGuard;
  readonly keyRing: () => KeyRing | undefined;
  readonly clock: () => number;
  /** Sends the deliveries `ids` now. */
  wake(ids: readonly string[]): void;
}

/** The webhook service. */
export type WebhookService = ReturnType<typeof createWebhookService>;

const manage = "manage its webhooks";

const configured = "read or redeliver the deliveries of the configuration file's webhook endpoints";

/** Creates the service. */
export function createWebhookService(deps: WebhookServiceDeps) {
  const { store } = deps;

  async function ownerOf(caller: Caller, org: OrganizationRow): Promise<void> {
    const role = await deps.resolver.organizationRole(caller.principal, org.id);
    if (role !== "owner") {
      throw new WebhookError(
        "denied",
        `only an owner of organization ${JSON.stringify(org.name)} may ${manage}${role ? `; you are ${role === "admin" ? "an admin" : "a member"}` : ""}`,
      );
    }
  }

  async function ownedOrganization(caller: Caller, name: string): Promise<OrganizationRow> {
    requireManager(caller);
    const org = await deps.accounts.findOrganization(name);
    if (!org) throw new WebhookError("not-found", `organization ${JSON.stringify(name)} does not exist`);
    await ownerOf(caller, org);
    return org;
  }

  /** Webhook `id` when the caller owns its organization; not-found (also for a malformed id) otherwise. */
  async function ownedWebhook(caller: Caller, id: string): Promise<{ hook: WebhookRow; org: OrganizationRow }> {
    requireManager(caller);
    const hook = /^[1-9][0-9]{0,15}$/.test(id) ? await store.findWebhook(Number(id)) : undefined;
    const org = hook && (await deps.accounts.listOrganizations()).find((o) => o.id === hook.orgId);
    if (!hook || !org) throw new WebhookError("not-found", `there is no webhook ${JSON.stringify(id.slice(0, 40))}`);
    await ownerOf(caller, org);
    return { hook, org };
  }

  function audit(caller: Caller, action: string, target: string, detail: unknown): void {
    deps.audit.record({ actor: caller.principal.name, action, target, detail, remote: caller.remote });
  }

  async function checkInput(input: NewWebhookInput): Promise<string[]> {
    let url: URL;
    try {
      url = new URL(input.url);
    } catch {
      throw new WebhookError("invalid", "url: expected an http:// or https:// URL");
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new WebhookError("invalid", "url: expected an http:// or https:// URL");
    }
    const decision = await deps.guard.check(url);
    // A name that does not resolve now may later: only a refused address is refused here.
    if (decision.outcome === "refused") throw new WebhookError("invalid", `url: ${decision.refusal.message}`);
    const events = [...new Set(input.events ?? ["push", "delete"])];
    const unknown = events.filter((e) => !(eventFamilies as readonly string[]).includes(e));
    if (unknown.length > 0 || events.length === 0) {
      throw new WebhookError("invalid", `events: expected some of ${eventFamilies.join(", ")}`);
    }
    return events;
  }

  return {
    /** Adds a webhook; the answer holds its secret, which no later answer does. Audited as `webhook.add`. */
    async add(caller: Caller, orgName: string, input: NewWebhookInput): Promise<WebhookView & { secret: string }> {
      const org = await ownedOrganization(caller, orgName);
      const events = await checkInput(input);
      const ring = deps.keyRing();
      if (!ring) throw new WebhookError("invalid", "webhooks need the master key, which this server has not loaded");
      const secret = input.secret ?? randomBytes(32).toString("hex");
      const fields = {
        url: input.url,
        events,
        repositories: input.repositories ?? "*",
        createdBy: caller.principal.name,
      };
      const row = await store.createWebhook(
        org.id,
        fields,
        (id) => sealWebhookSecret(ring, org.id, id, secret),
        deps.clock(),
      );
      audit(caller, "webhook.add", `webhook:${org.name}/${row.id}`, { url: row.url, events });
      return { ...webhookView(row, org), secret };
    },

    /** The organization's webhooks (never a secret). */
    async list(caller: Caller, orgName: string): Promise<WebhookView[]> {
      const org = await ownedOrganization(caller, orgName);
      return (await store.listWebhooks(org.id)).map((row) => webhookView(row, org));
    },

    /** One webhook (never its secret). */
    async show(caller: Caller, id: string): Promise<WebhookView> {
      const { hook, org } = await ownedWebhook(caller, id);
      return webhookView(hook, org);
    },

    /** Removes a webhook and its delivery log. Audited as `webhook.remove`. */
    async remove(caller: Caller, id: string): Promise<void> {
      const { hook, org } = await ownedWebhook(caller, id);
      await store.deleteWebhook(hook.id);
      audit(caller, "webhook.remove", `webhook:${org.name}/${hook.id}`, { url: hook.url });
    },

    /**
     * The webhook's newest deliveries (at most `limit`, 1-200), each with its
     * attempts; for `config` ({@link configuredWebhookId}), the deliveries to
     * the configuration file's endpoints (server administrators only).
     */
    async deliveries(caller: Caller, id: string, limit = 50): Promise<DeliveryView[]> {
      let webhookId: number | null = null;
      if (id === configuredWebhookId) requireAdmin(caller, configured);
      else webhookId = (await ownedWebhook(caller, id)).hook.id;
      const rows = await store.listDeliveries(webhookId, Math.max(1, Math.min(limit, 200)));
      return Promise.all(rows.map(async (d) => deliveryView(d, await store.listAttempts(d.id))));
    },

    /**
     * Sends a delivery's body again as a new delivery (a new id, attempts
     * from one), to the same URL; one to a configuration file's endpoint
     * only for a server administrator. Audited as `webhook.redeliver`.
     */
    async redeliver(caller: Caller, deliveryId: string): Promise<DeliveryView> {
      const manager = requireManager(caller);
      const d: DeliveryRow | undefined = deliveryId.length <= 64 ? await store.findDelivery(deliveryId) : undefined;
      // A non-administrator learns nothing of the configuration file's deliveries, not even that one exists.
      if (!d || (d.webhookId === null && !manager.isAdmin)) {
        throw new WebhookError("not-found", `there is no webhook delivery ${JSON.stringify(deliveryId.slice(0, 64))}`);
      }
      const target =
        d.webhookId === null
          ? `webhook:${configuredWebhookId}`
          : `webhook:${(await ownedWebhook(caller, String(d.webhookId))).org.name}/${d.webhookId}`;
      const id = randomUUID();
      await store.enqueueDelivery({ ...d, id, redeliveryOf: d.id, at: deps.clock() });
      audit(caller, "webhook.redeliver", target, { delivery: d.id, redelivery: id });
      deps.wake([id]);
      return deliveryView((await store.findDelivery(id))!, []);
    },
  };
}
