/**
 * @module
 * The authorization seam: every registry request states the accesses it
 * needs and passes one `authorize` step before its handler runs. Handlers
 * never decide access themselves. The accounts layer supplies the real
 * implementation; {@link allowAllAuthorizer} is the open registry.
 */
import type { IncomingMessage } from "node:http";
import type { WharfError } from "../errors/wharf-error.ts";

/** An action on a resource, as in Docker token scopes. */
export type Action = "pull" | "push" | "delete" | "*";

/** A resource and the actions a request needs on it (`repository:<name>:pull,push`). */
export interface Access {
  readonly type: "repository" | "registry";
  readonly name: string;
  readonly actions: readonly Action[];
}

/** Who made the request, as far as authentication could tell. */
export interface Subject {
  /** `anonymous`, or the user, token or robot name. */
  readonly name: string;
  readonly kind: "anonymous" | "user" | "token" | "robot";
}

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

const anonymous: Subject = { name: "anonymous", kind: "anonymous" };

/** Grants everything to everyone: the registry core before accounts exist. */
export const allowAllAuthorizer: Authorizer = {
  authorize: async () => ({ ok: true, subject: anonymous }),
  canPull: async () => true,
  visibleRepositories: async (_subject, repositories) => [...repositories],
};
