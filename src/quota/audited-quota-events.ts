/**
 * @module
 * Quota warnings in the audit log: action `quota.warning`, target
 * `namespace:<name>`, actor `wharf` (the server noticed, no caller asked),
 * with the limit, usage and threshold as detail. Refusals are not recorded
 * here (each refused push answers DENIED to its client already).
 */
import type { AuditEvent } from "../metadata/accounts-metadata.ts";
import type { QuotaEvents } from "./quota-events.ts";

/** Receivers writing warnings to the audit log `audit()` returns (none while it is undefined). */
export function auditedQuotaEvents(audit: () => { record(event: AuditEvent): void } | undefined): QuotaEvents {
  return {
    warning: (event) =>
      audit()?.record({
        actor: "wharf",
        action: "quota.warning",
        target: `namespace:${event.namespace}`,
        detail: { limit: event.limit, used: event.used, warnPercent: event.warnPercent },
      }),
    exceeded: () => undefined,
  };
}
