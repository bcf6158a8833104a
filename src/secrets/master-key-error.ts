/**
 * @module
 * The error of the master-key layer. A missing, wrong or badly protected
 * master key is not something an API client can fix — it is the operator's
 * (restore a file, set an environment variable, chmod) — so it is not a
 * WharfError with a 4xx code: the server refuses to start, or a request fails
 * as a server error, with a message telling the operator what to do.
 */

/**
 * Why the master key layer refused:
 * - `invalid-key`: a key or key list (file, environment, code) is malformed;
 * - `insecure-file`: the key file is readable by group or others;
 * - `unknown-version`: data was encrypted under a key version the ring lacks;
 * - `malformed`: stored ciphertext is not in Wharf's `v<N>:iv:tag:data` form;
 * - `authentication`: the key is wrong or the data (or its binding) changed.
 */
export type MasterKeyErrorReason = "invalid-key" | "insecure-file" | "unknown-version" | "malformed" | "authentication";

/** A master-key failure; the message says what the operator should do. Never holds key material. */
export class MasterKeyError extends Error {
  readonly reason: MasterKeyErrorReason;

  constructor(reason: MasterKeyErrorReason, message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = "MasterKeyError";
    this.reason = reason;
  }
}
