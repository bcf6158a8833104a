/**
 * @module
 * Structured JSON logs (pino). Credentials never reach a log line: request
 * headers are not logged, and the redact list covers every field name that
 * could carry a secret if a caller logs an object carelessly.
 */
import { type Logger, pino } from "pino";

/** Field paths that are always replaced with "[redacted]". */
export const redactedPaths = [
  "password",
  "*.password",
  "token",
  "*.token",
  "secret",
  "*.secret",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "req.headers.authorization",
  "req.headers.cookie",
  "secretAccessKey",
  "*.secretAccessKey",
  "*.*.secretAccessKey",
];

/**
 * A logger writing JSON lines to `destination`, by default stdout written
 * asynchronously (a request never waits for its log line); call
 * `logger.flush()` before exiting.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = {
    level,
    base: { pid: process.pid },
    redact: { paths: redactedPaths, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return pino(options, destination ?? pino.destination({ dest: 1, sync: false }));
}

/**
 * A logger for lines whose fields are fixed and known to hold no secret (the
 * per-request line): `logger`'s level, bindings and destination, without the
 * redaction pass, which walks every wildcard path of {@link redactedPaths}
 * on every line and cost more than the rest of writing it.
 */
export function unredacted(logger: Logger): Logger {
  const destination = (logger as unknown as Record<symbol, NodeJS.WritableStream | undefined>)[pino.symbols.streamSym];
  if (!destination) return logger;
  const options = {
    level: logger.level,
    base: { pid: process.pid, ...logger.bindings() },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return pino(options, destination);
}

export type { Logger };
