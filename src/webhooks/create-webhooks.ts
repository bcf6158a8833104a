/**
 * @module
 * Webhooks: registry events (a manifest pushed, a tag or manifest deleted)
 * POSTed as JSON to the configured endpoints whose repository glob matches.
 * Each body is signed: `X-Wharf-Signature: sha256=<hex HMAC-SHA256 of the
 * body with the endpoint's secret>`; `X-Wharf-Event` names the event and
 * `X-Wharf-Delivery` is a fresh id (the same on every retry). A delivery that
 * gets no 2xx is retried with exponential backoff (`retryBase` × 2ⁿ) up to
 * `attempts` times, then logged as failed. Every request goes through the
 * outbound guard (loopback and private addresses need `outbound.allow`).
 * Deliveries are queued in memory: those pending at shutdown are lost.
 * Secrets are never logged.
 */
import { createHmac, randomUUID } from "node:crypto";
import { globPattern } from "../gc/retention.ts";
import type { Logger } from "../log/create-logger.ts";
import type { OutboundGuard } from "../net/outbound-guard.ts";
import { discardBody } from "../registry-client/read-body.ts";
import { sendRequest } from "../registry-client/send-request.ts";

/** One configured endpoint. */
export interface WebhookEndpoint {
  readonly url: string;
  readonly secret: string;
  readonly events: readonly string[];
  readonly repositories: string;
}

/** A registry event. */
export interface RegistryEvent {
  readonly event: "push" | "delete";
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Settings of the webhooks (`webhooks.*`). */
export interface WebhookSettings {
  readonly endpoints: readonly WebhookEndpoint[];
  readonly retryBaseMs: number;
  readonly attempts: number;
}

/** The signature header's value for `body` under `secret`. */
export function webhookSignature(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

const timeoutMs = 10_000;

/** Creates the dispatcher; `notify` never throws and never waits for delivery. */
export function createWebhooks(settings: WebhookSettings, guard: OutboundGuard, log: Logger, now = Date.now) {
  const endpoints = settings.endpoints.map((e) => ({ ...e, pattern: globPattern(e.repositories) }));

  async function attempt(endpoint: WebhookEndpoint, id: string, event: string, body: string): Promise<string> {
    const result = await sendRequest({
      method: "POST",
      url: new URL(endpoint.url),
      headers: {
        "content-type": "application/json",
        "x-wharf-event": event,
        "x-wharf-delivery": id,
        "x-wharf-signature": webhookSignature(endpoint.secret, body),
      },
      body,
      timeoutMs,
      guard,
    });
    if (!result.ok) return result.failure.message;
    discardBody(result.value.body, result.value.headers["content-length"]);
    return result.value.status >= 200 && result.value.status < 300 ? "" : `answered ${result.value.status}`;
  }

  async function deliver(endpoint: WebhookEndpoint, event: string, body: string): Promise<void> {
    const id = randomUUID();
    for (let n = 0; n < settings.attempts; n++) {
      if (n > 0) await new Promise((resolve) => setTimeout(resolve, settings.retryBaseMs * 2 ** (n - 1)).unref());
      const problem = await attempt(endpoint, id, event, body).catch((error: unknown) => String(error));
      if (problem === "") return;
      log.warn({ url: endpoint.url, delivery: id, attempt: n + 1, problem }, "webhook delivery failed");
    }
    log.error({ url: endpoint.url, delivery: id, attempts: settings.attempts }, "webhook delivery given up");
  }

  return {
    /** Queues `event` for every endpoint that wants it. */
    notify(event: RegistryEvent): void {
      const body = JSON.stringify({ ...event, at: new Date(now()).toISOString() });
      for (const endpoint of endpoints) {
        if (!endpoint.events.includes(event.event) || !endpoint.pattern.test(event.repository)) continue;
        void deliver(endpoint, event.event, body);
      }
    },
  };
}
