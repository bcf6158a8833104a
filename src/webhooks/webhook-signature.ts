/**
 * @module
 * The signature of a webhook body: `X-Wharf-Signature: sha256=<hex>`, the
 * HMAC-SHA256 of the raw body bytes under the endpoint's secret. Receivers
 * recompute it over the body exactly as received and compare in constant
 * time (README, Webhooks).
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** The signature header's value for `body` under `secret`. */
export function webhookSignature(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** True when `header` is the signature of `body` under `secret` (constant-time compare). */
export function verifyWebhookSignature(secret: string, body: string, header: string | undefined): boolean {
  const expected = Buffer.from(webhookSignature(secret, body));
  const given = Buffer.from(header ?? "");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
