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

/**
 * Creates the buffered audit log over the store. `flushOthers` writes what
 * the server's other processes buffered (a worker asks its primary), so a
 * reader sees every event recorded before it asked.
 */
export function createAuditLog(store: AuditStore, log: Logger, flushOthers?: () => Promise<void>) {
  const writer = createBatchedWriter<{ event: AuditEvent; at: number }>(
    (batch) => store.appendAudit(batch),
    (error, events) => log.error({ err: error, events }, "could not write audit events"),
  );
  return {
    /** Records an event (written within a second). */
    record(event: AuditEvent): void {
      writer.push({ event, at: Date.now() });
    },
    /** Writes everything recorded so far (by every process of the server). */
    async flush(): Promise<void> {
      await writer.flush();
      await flushOthers?.();
    },
    /** Writes everything this process recorded so far. */
    flushOwn: writer.flush,
    /** Flushes and stops the timer (shutdown). */
    close: writer.close,
  };
}
