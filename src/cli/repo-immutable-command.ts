/**
 * @module
 * `wharf repo immutable <repo-or-namespace> <pattern>`: keep tags matching
 * a pattern immutable in a namespace (`shop`) or one repository
 * (`shop/api`); `wharf repo immutable-list [target]` and `wharf repo
 * immutable-remove <target> <pattern>` (server administrators). A push that
 * would move such a tag, or a delete of it, is DENIED naming the rule.
 */
import type { Command } from "commander";
import { type ApiOptions, connect } from "./cli-api.ts";
import { action, emit, table, withApiOptions } from "./cli-output.ts";

interface RuleRow {
  readonly target: string;
  readonly pattern: string;
  readonly createdAt: string;
}

async function add(target: string, pattern: string, options: ApiOptions): Promise<void> {
  const answer = (await (await connect(options)).request("PUT", "/immutable-tags", { target, pattern })) as {
    added: boolean;
  };
  const verb = answer.added ? "are now" : "were already";
  emit(options, answer, `Tags matching ${pattern} in ${target} ${verb} immutable`);
}

async function list(target: string | undefined, options: ApiOptions): Promise<void> {
  const query = target === undefined ? "" : `?${new URLSearchParams({ target })}`;
  const answer = (await (await connect(options)).request("GET", `/immutable-tags${query}`)) as { rules: RuleRow[] };
  const rows = answer.rules.map((r) => [r.target, r.pattern, r.createdAt.slice(0, 19).replace("T", " ")]);
  emit(
    options,
    answer,
    rows.length === 0 ? "no immutable tag rules are stored" : table(["target", "pattern", "set (utc)"], rows),
  );
}

async function remove(target: string, pattern: string, options: ApiOptions): Promise<void> {
  await (await connect(options)).request("DELETE", `/immutable-tags?${new URLSearchParams({ target, pattern })}`);
  emit(options, { target, pattern, removed: true }, `Tags matching ${pattern} in ${target} may move again`);
}

/** Registers `repo immutable`, `repo immutable-list` and `repo immutable-remove` on the `repo` command. */
export function registerImmutableCommands(repo: Command): void {
  withApiOptions(
    repo
      .command("immutable <target> <pattern>")
      .description("make tags matching a pattern (v*, stable) immutable in a namespace or repository"),
  ).action(action(add));
  withApiOptions(
    repo.command("immutable-list [target]").description("list the stored immutable tag rules (of one target or all)"),
  ).action(action(list));
  withApiOptions(
    repo.command("immutable-remove <target> <pattern>").description("remove a stored immutable tag rule"),
  ).action(action(remove));
}
