/**
 * @module
 * Reading the audit log. A server administrator reads every event; anyone
 * else reads only the events they caused themselves (as a user or through
 * one of their tokens), so the log never tells one tenant about another.
 * Recent events are flushed first, so a change shows up at once. Events
 * are filtered by time, actor, action and target (exact, or by prefix),
 * and read a page at a time: a page that may have more says where the next
 * one starts (`next`, an opaque cursor to pass back).
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
  /** The exact action (`repository.grant`). */
  readonly action?: string;
  /** The exact target (`repository:acme/web`). */
  readonly target?: string;
  /** Targets starting with this text, case-sensitive (`repository:acme/`). */
  readonly targetPrefix?: string;
  /** The page size, 1-1000; 100 when absent. */
  readonly limit?: number;
  /** Where the page starts: the `next` of the page before; the newest events when absent. */
  readonly cursor?: string;
}

/** One page of events and, when more may follow, the cursor of the next page. */
export interface AuditPage {
  readonly events: AuditView[];
  readonly next?: string;
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

/** The event id a cursor stands for (cursors are event ids; clients treat them as opaque). */
function cursorId(cursor: string): number {
  if (!/^[1-9][0-9]{0,15}$/.test(cursor)) {
    throw new AccountsError(
      "invalid-input",
      `cursor ${JSON.stringify(cursor.slice(0, 40))} is not one this server gave out; pass back a page's \`next\` as is`,
    );
  }
  return Number(cursor);
}

/** The audit reader. */
export type AuditReader = ReturnType<typeof createAuditReader>;

/** Creates the audit reader. */
export function createAuditReader(deps: AuditReaderDeps) {
  return {
    /**
     * One page of events, newest first. `forbidden` when a non-administrator
     * asks for someone else's; `invalid-input` for a limit out of range or a
     * cursor this server did not give out.
     */
    async list(caller: Caller, query: AuditQuery): Promise<AuditPage> {
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
      const beforeId = query.cursor === undefined ? undefined : cursorId(query.cursor);
      await deps.audit.flush();
      const { action, target, targetPrefix } = query;
      const filter = { since, actor, action, target, targetPrefix, beforeId };
      // One row more than the page tells whether another page follows.
      const rows = await deps.store.listAudit(filter, limit + 1);
      const page = rows.slice(0, limit);
      const events = page.map((r) => ({
        at: new Date(r.at).toISOString(),
        actor: r.actor,
        action: r.action,
        target: r.target,
        ...(r.detail === undefined ? {} : { detail: r.detail }),
        remote: r.remote,
      }));
      return rows.length > limit ? { events, next: String(page.at(-1)!.id) } : { events };
    },
  };
}
