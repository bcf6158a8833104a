/**
 * @module
 * Sends stored deliveries and keeps their log. A delivery is claimed in the
 * database before it is sent (so on several nodes only one sends it), POSTed
 * through the outbound guard with its signature, and each try is recorded:
 * status code, duration, error. A try without a 2xx answer is retried after
 * `retryBase` × 2ⁿ⁻¹, at most `retryMax`, until `attempts` tries were made;
 * then the delivery is `failed`. Times written to the log come from the
 * injected clock. A retry is woken by a timer of its delay; besides, the
 * store is polled every second for deliveries due by the clock, which is how
 * pending retries resume after a restart (or a clock moved by a test) and how
 * a claim a crashed node held is taken over once it expires. Logs name the
 * receiver's origin only: a webhook URL's path may hold a token.
 */
import { performance } from "node:perf_hooks";
import type { Logger } from "../log/create-logger.ts";
import type { DeliveryRow, DeliveryStore } from "../metadata/webhooks-metadata.ts";
import type { OutboundGuard } from "../net/outbound-guard.ts";
import { discardBody } from "../registry-client/read-body.ts";
import { sendRequest } from "../registry-client/send-request.ts";
import { webhookSignature } from "./webhook-signature.ts";

/** Retry settings (`webhooks.*`). */
export interface RetrySettings {
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly attempts: number;
}

/** What the deliverer works with. */
export interface DelivererDeps {
  readonly store: DeliveryStore;
  readonly guard: OutboundGuard;
  readonly log: Pick<Logger, "warn" | "error">;
  readonly clock: () => number;
  readonly settings: RetrySettings;
  /**
   * The signing secret of the delivery's endpoint, or why there is none:
   * for good (the endpoint was removed) unless `retry` (the key is not loaded yet).
   */
  secretOf(delivery: DeliveryRow): Promise<{ secret: string } | { problem: string; retry?: boolean }>;
}

const timeoutMs = 10_000;
const leaseMs = 60_000;
const pollMs = 1000;
const batch = 50;
const parallel = 4;
const maxErrorChars = 500;

/** What a log line says of a failed try: the receiver's origin, never its path or query (they may hold a token). */
function logged(d: DeliveryRow, problem: string | null) {
  const url = new URL(d.url);
  const hidden = (text: string) => text.replaceAll(url.href, url.origin).replaceAll(d.url, url.origin);
  return { to: url.origin, delivery: d.id, problem: problem === null ? null : hidden(problem) };
}

/** The deliverer: `wake` sends what is due now (and the ids given); `close` stops it after the tries in flight. */
export type Deliverer = ReturnType<typeof createDeliverer>;

/** Creates the deliverer and starts its poll. */
export function createDeliverer(deps: DelivererDeps) {
  const { store, clock, settings, log } = deps;
  const woken = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;

  async function post(d: DeliveryRow, secret: string): Promise<{ status: number | null; error: string | null }> {
    const result = await sendRequest({
      method: "POST",
      url: new URL(d.url),
      headers: {
        "content-type": "application/json",
        "user-agent": "wharf-webhooks",
        "x-wharf-event": d.event,
        "x-wharf-delivery": d.id,
        "x-wharf-signature": webhookSignature(secret, d.body),
      },
      body: d.body,
      timeoutMs,
      guard: deps.guard,
    });
    if (!result.ok) return { status: null, error: result.failure.message };
    discardBody(result.value.body, result.value.headers["content-length"]);
    const status = result.value.status;
    return { status, error: status >= 200 && status < 300 ? null : `answered ${status}` };
  }

  async function attempt(d: DeliveryRow): Promise<void> {
    const at = clock();
    const started = performance.now();
    const key = await deps.secretOf(d);
    const outcome =
      "problem" in key
        ? { status: null, error: key.problem }
        : await post(d, key.secret).catch((error: unknown) => ({ status: null, error: String(error) }));
    const n = d.attempts + 1;
    const record = {
      attempt: n,
      at,
      statusCode: outcome.status,
      durationMs: Math.round(performance.now() - started),
      error: outcome.error?.slice(0, maxErrorChars) ?? null,
    };
    if (outcome.error === null) return store.recordAttempt(d.id, record, "delivered", null);
    if (n >= settings.attempts || ("problem" in key && !key.retry)) {
      log.error({ ...logged(d, record.error), attempts: n }, "webhook delivery given up");
      return store.recordAttempt(d.id, record, "failed", null);
    }
    const delay = Math.min(settings.retryBaseMs * 2 ** (n - 1), settings.retryMaxMs);
    log.warn({ ...logged(d, record.error), attempt: n }, "webhook delivery failed");
    await store.recordAttempt(d.id, record, "pending", at + delay);
    if (!closed) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        wake([d.id]);
      }, delay).unref();
      timers.add(timer);
    }
  }

  async function round(): Promise<void> {
    const ids = [...woken, ...(await store.dueDeliveries(clock(), batch))];
    woken.clear();
    const unique = [...new Set(ids)];
    for (let at = 0; at < unique.length && !closed; at += parallel) {
      await Promise.all(
        unique.slice(at, at + parallel).map(async (id) => {
          const now = clock();
          const d = await store.claimDelivery(id, now, now + leaseMs);
          if (d) await attempt(d);
        }),
      );
    }
  }

  async function loop(): Promise<void> {
    do {
      again = false;
      await round().catch((error: unknown) => log.warn({ err: error }, "webhook deliveries: a round failed"));
    } while (again && !closed);
    running = undefined;
  }

  /** Sends what is due now, and the deliveries `ids` (woken retries, new events) whatever the clock says. */
  function wake(ids: readonly string[] = []): void {
    if (closed) return;
    for (const id of ids) woken.add(id);
    if (running) again = true;
    else running = loop();
  }

  let poll: NodeJS.Timeout | undefined;

  return {
    /** Starts polling the store (once the server listens); sends what is due now. */
    start(): void {
      poll ??= setInterval(() => wake(), pollMs).unref();
      wake();
    },
    wake,
    /** Resolves when no round is running (tests and shutdown). */
    async idle(): Promise<void> {
      while (running) await running;
    },
    /** Stops polling and the retry timers; waits for the tries in flight. */
    async close(): Promise<void> {
      closed = true;
      if (poll) clearInterval(poll);
      for (const timer of timers) clearTimeout(timer);
      while (running) await running;
    },
  };
}
