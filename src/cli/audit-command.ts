/**
 * @module
 * `wharf audit [--since 24h] [--actor a] [--action x] [--target t |
 * --target-prefix p] [--limit n] [--cursor c]`: the audit log, newest first —
 * everything for a server administrator, your own events otherwise. When more
 * events follow, the last line gives the `--cursor` of the next page.
 */
import type { Command } from "commander";
import { type ApiOptions, connect } from "./cli-api.ts";
import { action, emit, table, withApiOptions } from "./cli-output.ts";

interface AuditOptions extends ApiOptions {
  readonly since?: string;
  readonly actor?: string;
  readonly action?: string;
  readonly target?: string;
  readonly targetPrefix?: string;
  readonly limit?: string;
  readonly cursor?: string;
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
  if (options.action) query.set("action", options.action);
  if (options.target) query.set("target", options.target);
  if (options.targetPrefix) query.set("targetPrefix", options.targetPrefix);
  if (options.limit) query.set("limit", options.limit);
  if (options.cursor) query.set("cursor", options.cursor);
  const answer = (await (await connect(options)).request("GET", `/audit?${query}`)) as {
    events: AuditEvent[];
    next?: string;
  };
  const rows = answer.events.map((e) => [
    e.at,
    e.actor,
    e.action,
    e.target,
    e.remote,
    e.detail === undefined ? "" : JSON.stringify(e.detail),
  ]);
  const more = answer.next === undefined ? [] : [`more events: add --cursor ${answer.next}`];
  emit(options, answer, [...table(["time", "actor", "action", "target", "from", "detail"], rows), ...more]);
}

/** Registers `audit`. */
export function registerAuditCommand(program: Command): void {
  withApiOptions(
    program
      .command("audit")
      .description("show the audit log (your own events unless you are a server administrator)")
      .option("--since <when>", "a duration back from now (24h, 7d) or an ISO time", "24h")
      .option("--actor <name>", "only events by this user or robot")
      .option("--action <action>", "only this action (exact), e.g. robot.create")
      .option("--target <target>", "only this target (exact), e.g. repository:acme/web")
      .option("--target-prefix <text>", "only targets starting with this text, e.g. repository:acme/")
      .option("--limit <n>", "at most this many events per page (1-1000, default 100)")
      .option("--cursor <cursor>", "the page after the one that printed this cursor"),
  ).action(action(audit));
}
