/**
 * @module
 * `wharf token create|list|revoke`: your API tokens, for CI and for `docker
 * login`. `create` prints the token once — alone on the last line in text
 * mode, so `wharf token create … | tail -n1` captures it; nothing prints it
 * again.
 */
import type { Command } from "commander";
import { type ApiOptions, connect } from "./cli-api.ts";
import { action, emit, table, withApiOptions } from "./cli-output.ts";

interface Token {
  readonly name: string;
  readonly scopes: string[];
  readonly state: string;
  readonly expiresAt: string | null;
  readonly lastUsedAt: string | null;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

async function create(options: ApiOptions & { name: string; scope: string[]; expires?: string }): Promise<void> {
  const body = { name: options.name, scopes: options.scope, ...(options.expires ? { expires: options.expires } : {}) };
  const created = (await (await connect(options)).request("POST", "/tokens", body)) as Token & { token: string };
  emit(options, created, [
    `Created token ${created.name} (scopes ${created.scopes.join(" ")}; ${created.expiresAt ? `expires ${created.expiresAt}` : "never expires"})`,
    "Copy it now: it will not be shown again.",
    created.token,
  ]);
}

async function list(options: ApiOptions): Promise<void> {
  const answer = (await (await connect(options)).request("GET", "/tokens")) as { tokens: Token[] };
  const rows = answer.tokens.map((t) => [t.name, t.state, t.scopes.join(" "), t.expiresAt ?? "never", t.lastUsedAt]);
  emit(options, answer, table(["name", "state", "scopes", "expires", "last used"], rows));
}

async function revoke(name: string, options: ApiOptions): Promise<void> {
  await (await connect(options)).request("DELETE", `/tokens/${encodeURIComponent(name)}`);
  emit(options, { name, revoked: true }, `Revoked token ${name}`);
}

/** Registers `token …`. */
export function registerTokenCommands(program: Command): void {
  const token = program.command("token").description("manage your API tokens");
  withApiOptions(
    token
      .command("create")
      .description("create an API token (printed once)")
      .requiredOption("--name <name>", "a name to tell it by")
      .requiredOption("--scope <scope>", "<repository|namespace/*|*>:<pull,push,delete>, or api; repeatable", collect)
      .option("--expires <duration>", "lifetime, e.g. 30d or 12h (default: never)"),
  ).action(action(create));
  withApiOptions(token.command("list").description("list your tokens (never their secrets)")).action(action(list));
  withApiOptions(token.command("revoke <name>").description("revoke a token; it stops working at once")).action(
    action(revoke),
  );
}
