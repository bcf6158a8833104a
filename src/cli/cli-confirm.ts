/**
 * @module
 * Deletes from the command line never happen by accident: without `--yes`
 * the command asks the server for a dry run (the same permission checks and
 * rules, nothing deleted), prints what would be deleted and exits 1. With
 * `--yes` it deletes. `--force` is passed on for deletes the server refuses
 * while repositories remain.
 */
import type { Command } from "commander";
import { type ApiOptions, CliError, connect } from "./cli-api.ts";

/** Options of a delete command. */
export interface DeleteOptions extends ApiOptions {
  readonly yes?: boolean;
  readonly force?: boolean;
}

/** Adds `--yes` (and with `force`, `--force`) to a delete command. */
export function withDeleteOptions(command: Command, force?: string): Command {
  const withYes = command.option("-y, --yes", "really delete (without it, only show what would be deleted)");
  return force ? withYes.option("--force", force) : withYes;
}

/** The refusal shown when `--yes` is missing: what would go, and how to proceed. */
export function notConfirmed(lines: readonly string[]): CliError {
  return new CliError(`${lines.join("\n")}\nnothing was deleted; run the command again with --yes to delete`);
}

/**
 * Sends `DELETE path` (with `force=true` when asked). Without `--yes` it
 * sends a dry run instead and throws {@link notConfirmed} with `describe`'s
 * lines; server refusals (permissions, repositories without --force) come
 * back as they are.
 */
export async function confirmedDelete<T>(
  path: string,
  options: DeleteOptions,
  describe: (plan: T) => readonly string[],
): Promise<T> {
  const client = await connect(options);
  const query = new URLSearchParams(options.force ? { force: "true" } : {});
  if (!options.yes) {
    query.set("dryRun", "true");
    const plan = (await client.request("DELETE", `${path}?${query}`)) as T;
    throw notConfirmed(describe(plan));
  }
  const suffix = query.size > 0 ? `?${query}` : "";
  return (await client.request("DELETE", `${path}${suffix}`)) as T;
}

/** `n thing` or `n things`. */
export function count(n: number, thing: string): string {
  return `${n} ${thing}${n === 1 ? "" : "s"}`;
}

/** A short list: the first few names, then how many more. */
export function someOf(names: readonly string[], total = names.length): string {
  const shown = names.slice(0, 5).join(", ");
  return total > 5 ? `${shown} and ${total - 5} more` : shown;
}
