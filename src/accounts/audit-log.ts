/**
 * @module
 * The audit log: who did what, to what, when, from where. Events are
 * buffered and written in one transaction per second (or per 200 events),
 * so recording every pull costs the hot path nothing measurable; a crash can
 * lose at most the last second. Nothing secret is ever recorded.
 */
import type { Logger } from "../log/create-logger.ts";
import type { AuditEvent, AuditStore } from "../metadata/accounts-metadata.ts";
import { createBatchedWriter } from "../metadata/batched-writer.ts";

/** The audit log. */
export type AuditLog = ReturnType<typeof createAuditLog>;

/** Creates the buffered audit log over the store. */
export function createAuditLog(store: AuditStore, log: Logger) {
  const writer = createBatchedWriter<{ event: AuditEvent; at: number }>(
    (batch) => store.appendAudit(batch),
    (error, events) => log.error({ err: error, events }, "could not write audit events"),
  );
  return {
    /** Records an event (written within a second). */
    record(event: AuditEvent): void {
      writer.push({ event, at: Date.now() });
    },
    /** Writes everything recorded so far. */
    flush: writer.flush,
    /** Flushes and stops the timer (shutdown). */
    close: writer.close,
  };
}
