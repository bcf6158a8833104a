/**
 * @module
 * `wharf audit [--since 24h] [--actor a] [--limit n]`: the audit log, newest
 * first — everything for a server administrator, your own events otherwise.
 */
import type { Command } from "commander";
import { type ApiOptions, connect } from "./cli-api.ts";
import { action, emit, table, withApiOptions } from "./cli-output.ts";

interface AuditOptions extends ApiOptions {
  readonly since?: string;
  readonly actor?: string;
  readonly limit?: string;
}

interface AuditEvent {
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly detail?: unknown;
  readonly remote: string | null;
}

async function audit(options: AuditOptions): Promise<void> {
  const query = new URLSearchParams();
  if (options.since) query.set("since", options.since);
  if (options.actor) query.set("actor", options.actor);
  if (options.limit) query.set("limit", options.limit);
  const answer = (await (await connect(options)).request("GET", `/audit?${query}`)) as { events: AuditEvent[] };
  const rows = answer.events.map((e) => [
    e.at,
    e.actor,
    e.action,
    e.target,
    e.remote,
    e.detail === undefined ? "" : JSON.stringify(e.detail),
  ]);
  emit(options, answer, table(["time", "actor", "action", "target", "from", "detail"], rows));
}

/** Registers `audit`. */
export function registerAuditCommand(program: Command): void {
  withApiOptions(
    program
      .command("audit")
      .description("show the audit log (your own events unless you are a server administrator)")
      .option("--since <when>", "a duration back from now (24h, 7d) or an ISO time", "24h")
      .option("--actor <name>", "only events by this user or robot")
      .option("--limit <n>", "at most this many events (1-1000)"),
  ).action(action(audit));
}
