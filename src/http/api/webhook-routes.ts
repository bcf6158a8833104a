/**
 * @module
 * The webhook routes, one table: an organization's webhooks
 * (`/orgs/{org}/webhooks`), one webhook and its delivery log
 * (`/webhooks/{webhook}`), redelivery (`/webhook-deliveries/{delivery}/redeliver`),
 * and the delivery log of the configuration file's endpoints
 * (`/webhooks/config/deliveries`, server administrators).
 * Owners of the organization only; the service decides, and its failures
 * (WebhookError) become wire codes through the one table (domain-error-codes.ts). Only the creating answer holds the secret.
 */
import { z } from "zod";
import { eventFamilies } from "../../webhooks/webhook-event.ts";
import type { WebhookService } from "../../webhooks/webhook-service.ts";
import { configuredWebhookId } from "../../webhooks/webhook-view.ts";
import { type ApiRoute, route } from "./api-route.ts";

const newWebhook = z.strictObject({
  url: z
    .string()
    .max(2000)
    .regex(/^https?:\/\/\S+$/, "expected an http:// or https:// URL"),
  events: z.array(z.enum(eventFamilies)).min(1).max(eventFamilies.length).optional(),
  repositories: z.string().min(1).max(300).optional(),
  secret: z.string().min(16, "a secret has 16 characters or more").max(256).optional(),
});

const webhook = z.object({
  id: z.number(),
  org: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  repositories: z.string(),
  keyVersion: z.number(),
  createdBy: z.string(),
  createdAt: z.string(),
});

const attempt = z.object({
  attempt: z.number(),
  at: z.string(),
  statusCode: z.number().nullable(),
  durationMs: z.number(),
  error: z.string().nullable(),
});

const delivery = z.object({
  id: z.string(),
  url: z.string(),
  event: z.string(),
  state: z.enum(["pending", "delivered", "failed"]),
  attempts: z.number(),
  statusCode: z.number().nullable(),
  durationMs: z.number().nullable(),
  nextAttemptAt: z.string().nullable(),
  error: z.string().nullable(),
  redeliveryOf: z.string().nullable(),
  createdAt: z.string(),
  log: z.array(attempt),
});

/** The routes over `webhooks`. */
export function webhookRoutes(webhooks: WebhookService): ApiRoute[] {
  return [
    route("GET", "/orgs/{org}/webhooks", {
      summary: "List an organization's webhooks, without secrets (owners)",
      response: z.object({ webhooks: z.array(webhook) }),
      handle: async (i) => ({ webhooks: await webhooks.list(i.caller, i.params.org) }),
    }),
    route("POST", "/orgs/{org}/webhooks", {
      summary:
        "Add a webhook (owners); the signing secret (given, or generated) is in this answer only and stored encrypted",
      body: newWebhook,
      response: webhook.extend({ secret: z.string() }),
      handle: (i) => webhooks.add(i.caller, i.params.org, i.body),
    }),
    route("GET", "/webhooks/{webhook}", {
      summary: "A webhook, without its secret (owners of its organization)",
      response: webhook,
      handle: (i) => webhooks.show(i.caller, i.params.webhook),
    }),
    route("DELETE", "/webhooks/{webhook}", {
      summary: "Remove a webhook and its delivery log (owners of its organization)",
      status: 204,
      handle: (i) => webhooks.remove(i.caller, i.params.webhook),
    }),
    // Before /webhooks/{webhook}/deliveries, which would match it too (routes match in order).
    route("GET", `/webhooks/${configuredWebhookId}/deliveries`, {
      summary:
        "The newest deliveries to the configuration file's endpoints (webhooks.endpoints, instance-wide) with every " +
        "attempt; each names its URL (server administrators)",
      query: z.object({ limit: z.coerce.number().int().min(1).max(200).optional() }),
      response: z.object({ deliveries: z.array(delivery) }),
      handle: async (i) => ({
        deliveries: await webhooks.deliveries(i.caller, configuredWebhookId, i.query.limit),
      }),
    }),
    route("GET", "/webhooks/{webhook}/deliveries", {
      summary:
        "A webhook's newest deliveries with every attempt: event, status code, attempts, duration, next retry, error (owners)",
      query: z.object({ limit: z.coerce.number().int().min(1).max(200).optional() }),
      response: z.object({ deliveries: z.array(delivery) }),
      handle: async (i) => ({ deliveries: await webhooks.deliveries(i.caller, i.params.webhook, i.query.limit) }),
    }),
    route("POST", "/webhook-deliveries/{delivery}/redeliver", {
      summary:
        "Send a delivery's body again, as a new delivery (owners of the webhook's organization; server " +
        "administrators for a configuration file endpoint's delivery)",
      status: 201,
      response: delivery,
      handle: (i) => webhooks.redeliver(i.caller, i.params.delivery),
    }),
  ];
}
