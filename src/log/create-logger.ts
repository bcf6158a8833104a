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

export type { Logger };
