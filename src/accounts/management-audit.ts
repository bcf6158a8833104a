/**
 * @module
 * Reading the audit log. A server administrator reads every event; anyone
 * else reads only the events they caused themselves (as a user or through
 * one of their tokens), so the log never tells one tenant about another.
 * Recent events are flushed first, so a change shows up at once.
 */
import { AccountsError } from "./accounts-error.ts";
import { type Caller, requireManager } from "./management-access.ts";
import type { AuditReaderDeps } from "./management-deps.ts";
import { parseSince } from "./management-duration.ts";

/** Filters for {@link createAuditReader}'s `list`. */
export interface AuditQuery {
  /** ISO time or a duration back from now (`24h`); 24 hours when absent. */
  readonly since?: string;
  readonly actor?: string;
  /** 1-1000; 100 when absent. */
  readonly limit?: number;
}

/** An audit event as the API shows it. */
export interface AuditView {
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly detail?: unknown;
  readonly remote: string | null;
}

/** The audit reader. */
export type AuditReader = ReturnType<typeof createAuditReader>;

/** Creates the audit reader. */
export function createAuditReader(deps: AuditReaderDeps) {
  return {
    /** Events newest first. `forbidden` when a non-administrator asks for someone else's. */
    async list(caller: Caller, query: AuditQuery): Promise<AuditView[]> {
      const manager = requireManager(caller);
      if (!manager.isAdmin && query.actor !== undefined && query.actor !== manager.name) {
        throw new AccountsError("forbidden", "only a server administrator may read other people's audit events");
      }
      const limit = query.limit ?? 100;
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
        throw new AccountsError("invalid-input", "limit must be 1-1000");
      }
      const since = parseSince(query.since ?? "24h", Date.now());
      const actor = manager.isAdmin ? query.actor : manager.name;
      await deps.audit.flush();
      const rows = await deps.store.listAudit(since, limit, actor);
      return rows.map((r) => ({
        at: new Date(r.at).toISOString(),
        actor: r.actor,
        action: r.action,
        target: r.target,
        ...(r.detail === undefined ? {} : { detail: r.detail }),
        remote: r.remote,
      }));
    },
  };
}
