/**
 * @module
 * The HTTP edge's resource limits (configuration `limits.*`), as one value
 * the composition root hands to {@link ./create-http-server.ts}.
 */

/** How long and how many: see the README's Security section for the why of each. */
export interface HttpLimits {
  /** Time a client has to send a whole request (headers and body), except blob uploads. */
  readonly requestTimeoutMs: number;
  /** A blob upload body slower than this over one window is cut (the session stays resumable). */
  readonly uploadMinBytesPerSecond: number;
  /** The window over which the upload rate is measured. */
  readonly uploadRateWindowMs: number;
  /** Open connections in all; more are closed as they arrive. */
  readonly maxConnections: number;
  /** Open connections from one client address; more are closed as they arrive. */
  readonly maxConnectionsPerAddress: number;
}
