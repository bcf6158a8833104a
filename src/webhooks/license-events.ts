/**
 * @module
 * License events. Created, revoked and extended are read from the audit
 * records the license service writes (`license.create|revoke|extend`), so
 * the licensing module needs no webhook code: the audit log given to it is
 * wrapped. Expired is found by a watch: at most once a minute of the
 * injected clock, the licenses whose expiry fell since the last look become
 * `license.expired` events. The last look is a cursor in the database moved
 * by compare-and-set, so with several nodes one of them announces each
 * expiry; the first look only sets the cursor (expiries from before
 * webhooks existed are not announced).
 */
import type { AuditEvent } from "../metadata/accounts-metadata.ts";
import type { LicenseExpiries } from "../metadata/kysely-license-expiries.ts";
import type { DeliveryStore } from "../metadata/webhooks-metadata.ts";
import type { WebhookEvent } from "./webhook-event.ts";

const types: Record<string, string> = {
  "license.create": "license.created",
  "license.revoke": "license.revoked",
  "license.extend": "license.extended",
};

/** An audit log that also publishes the license events it records. */
export function withLicenseEvents<A extends { record(event: AuditEvent): void }>(
  audit: A,
  publish: (event: WebhookEvent) => void,
): A {
  return {
    ...audit,
    record(event: AuditEvent): void {
      audit.record(event);
      const type = types[event.action];
      const detail = (event.detail ?? {}) as Record<string, unknown>;
      if (type === undefined || typeof detail.app !== "string") return;
      publish({
        type,
        app: detail.app,
        license: event.target.replace(/^license:/, ""),
        ...(typeof detail.customer === "string" && { customer: detail.customer }),
        ...(detail.expiresAt !== undefined && { expiresAt: detail.expiresAt }),
        actor: event.actor,
      });
    },
  };
}

const cursor = "license-expiry";
const everyMs = 60_000;

/** Creates the expiry watch; call `check` often (the deliverer's poll does), it looks once a minute. */
export function createLicenseExpiryWatch(
  expiries: LicenseExpiries,
  cursors: Pick<DeliveryStore, "readCursor" | "moveCursor">,
  clock: () => number,
  publish: (event: WebhookEvent) => void,
) {
  let lastLook = Number.NEGATIVE_INFINITY;
  let looking = false;
  return {
    /** Announces the licenses expired since the last look; never rejects. */
    async check(): Promise<void> {
      const now = clock();
      if (looking || now - lastLook < everyMs) return;
      looking = true;
      lastLook = now;
      try {
        const since = await cursors.readCursor(cursor);
        const expired = since === undefined ? [] : await expiries.expiredBetween(since, now, 1000);
        const upTo = expired.length === 1000 ? expired.at(-1)!.expiresAt : now;
        if (!(await cursors.moveCursor(cursor, since, upTo))) return;
        for (const l of expired) {
          publish({
            type: "license.expired",
            app: l.app,
            license: l.publicId,
            customer: l.customer,
            expiresAt: new Date(l.expiresAt).toISOString(),
          });
        }
      } catch {
        // A failed look is tried again at the next one.
        lastLook = Number.NEGATIVE_INFINITY;
      } finally {
        looking = false;
      }
    },
  };
}
