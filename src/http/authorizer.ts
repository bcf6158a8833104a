/**
 * @module
 * The authorization seam: every registry request states the accesses it
 * needs and passes one `authorize` step before its handler runs. Handlers
 * never decide access themselves. The accounts layer supplies the real
 * implementation; {@link allowAllAuthorizer} is an open registry for tests
 * and benchmarks of the core alone.
 */
import type { IncomingMessage } from "node:http";
import { type Access, anonymous, type Principal } from "../accounts/access.ts";
import type { WharfError } from "../errors/wharf-error.ts";

export type { Access, Action } from "../accounts/access.ts";

/** Who made the request, as far as authentication could tell. */
export type Subject = Principal;

/** The result of authorizing one request. */
export type AuthDecision =
  | { readonly ok: true; readonly subject: Subject }
  | { readonly ok: false; readonly error: WharfError };

/** Decides every request's access; implementations must deny unless granted. */
export interface Authorizer {
  /** Authenticates the request and checks it may do all of `accesses`. */
  authorize(request: IncomingMessage, accesses: readonly Access[]): Promise<AuthDecision>;
  /** True when `subject` may pull from `repository` (cross-repository mounts). */
  canPull(subject: Subject, repository: string): Promise<boolean>;
  /** The subset of `repositories` that `subject` may see in the catalog. */
  visibleRepositories(subject: Subject, repositories: readonly string[]): Promise<string[]>;
}

/** Grants everything to everyone: the registry core with `auth.enabled: false`. */
export const allowAllAuthorizer: Authorizer = {
  authorize: async () => ({ ok: true, subject: anonymous }),
  canPull: async () => true,
  visibleRepositories: async (_subject, repositories) => [...repositories],
};
