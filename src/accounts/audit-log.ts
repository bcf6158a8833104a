/**
 * @module
 * The audit log: who did what, to what, when, from where. Events are
 * buffered and written in one transaction per second (or per 200 events),
 * so recording every pull costs the hot path nothing measurable; a crash can
 * lose at most the last second. Nothing secret is ever recorded.
 */
import type { Logger } from "../log/create-logger.ts";
import type { AuditEvent, AuditStore } from "../metadata/accounts-metadata.ts";

const flushEveryMs = 1000;
const flushAtEvents = 200;

/** The audit log. */
export type AuditLog = ReturnType<typeof createAuditLog>;

/** Creates the buffered audit log over the store. */
export function createAuditLog(store: AuditStore, log: Logger) {
  let buffer: { event: AuditEvent; at: number }[] = [];
  let flushing: Promise<void> = Promise.resolve();

  function flush(): Promise<void> {
    if (buffer.length === 0) return flushing;
    const batch = buffer;
    buffer = [];
    flushing = flushing.then(async () => {
      try {
        await store.appendAudit(batch);
      } catch (error) {
        log.error({ err: error, events: batch.length }, "could not write audit events");
      }
    });
    return flushing;
  }

  const timer = setInterval(() => void flush(), flushEveryMs).unref();

  return {
    /** Records an event (written within a second). */
    record(event: AuditEvent): void {
      buffer.push({ event, at: Date.now() });
      if (buffer.length >= flushAtEvents) void flush();
    },
    /** Writes everything recorded so far. */
    flush,
    /** Flushes and stops the timer (shutdown). */
    async close(): Promise<void> {
      clearInterval(timer);
      await flush();
    },
  };
}
