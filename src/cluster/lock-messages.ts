/**
 * @module
 * The messages workers and the primary exchange over the cluster's IPC
 * channel. Every message carries `wharf` so it is never taken for one of
 * Node's own cluster messages.
 */

/** Worker → primary: wait for `key`, then answer `granted` with the same `id`. */
export interface LockRequest {
  readonly wharf: "lock";
  readonly id: number;
  readonly key: string;
}

/** Worker → primary: the task holding lock `id` settled. */
export interface LockRelease {
  readonly wharf: "unlock";
  readonly id: number;
}

/** Primary → worker: lock `id` is yours. */
export interface LockGrant {
  readonly wharf: "granted";
  readonly id: number;
}

/** Worker → primary: the worker listens on `address` (as bound) and answers at `url`. */
export interface WorkerListening {
  readonly wharf: "listening";
  readonly address: string;
  readonly url: string;
}

/** Any message of ours. */
export type ClusterMessage = LockRequest | LockRelease | LockGrant | WorkerListening;

/** True for a message this module defines (Node's own cluster messages are left alone). */
export function isClusterMessage(message: unknown): message is ClusterMessage {
  return typeof message === "object" && message !== null && typeof (message as { wharf?: unknown }).wharf === "string";
}
