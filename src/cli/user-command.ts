/**
 * @module
 * `wharf user create|list|disable|enable|set-password`: server
 * administrators manage users. A new user's password (and a reset one) comes
 * from stdin (`--password-stdin`) or a hidden prompt, never from a flag.
 */
import type { Command } from "commander";
import { type ApiOptions, connect } from "./cli-api.ts";
import { confirmedDelete, count, type DeleteOptions, someOf, withDeleteOptions } from "./cli-confirm.ts";
import { action, emit, table, withApiOptions } from "./cli-output.ts";
import { readSecret } from "./read-secret.ts";

interface User {
  readonly name: string;
  readonly email: string | null;
  readonly admin: boolean;
  readonly disabled: boolean;
}

interface CreateOptions extends ApiOptions {
  readonly passwordStdin?: boolean;
  readonly email?: string;
  readonly admin?: boolean;
}

async function create(name: string, options: CreateOptions): Promise<void> {
  const client = await connect(options);
  const password = await readSecret(options.passwordStdin, `Password for ${name}: `);
  const body = {
    name,
    password,
    ...(options.email ? { email: options.email } : {}),
    ...(options.admin ? { admin: true } : {}),
  };
  const user = (await client.request("POST", "/users", body)) as User;
  emit(options, user, `Created user ${user.name}${user.admin ? " (server administrator)" : ""}`);
}

async function list(options: ApiOptions): Promise<void> {
  const answer = (await (await connect(options)).request("GET", "/users")) as { users: User[] };
  const rows = answer.users.map((u) => [u.name, u.email, u.admin ? "yes" : "no", u.disabled ? "yes" : "no"]);
  emit(options, answer, table(["name", "email", "admin", "disabled"], rows));
}

function setDisabled(verb: "disable" | "enable") {
  return async (name: string, options: ApiOptions): Promise<void> => {
    const user = (await (await connect(options)).request("POST", `/users/${encodeURIComponent(name)}/${verb}`)) as User;
    emit(options, user, `${verb === "disable" ? "Disabled" : "Enabled"} user ${user.name}`);
  };
}

async function setPassword(name: string, options: CreateOptions): Promise<void> {
  const client = await connect(options);
  const password = await readSecret(options.passwordStdin, `New password for ${name}: `);
  const path = `/users/${encodeURIComponent(name)}/password`;
  const answer = (await client.request("PUT", path, { password })) as { name: string; sessionsRevoked: number };
  emit(
    options,
    answer,
    `Set the password of ${answer.name}; revoked ${answer.sessionsRevoked} login session(s) and every refresh token`,
  );
}

interface UserDeletion {
  readonly user: string;
  readonly organizations: string[];
  readonly repositories: string[];
  readonly repositoryCount: number;
  readonly tokens: number;
}

async function deleteUser(name: string, options: DeleteOptions): Promise<void> {
  const done = await confirmedDelete<UserDeletion>(`/users/${encodeURIComponent(name)}`, options, (plan) => [
    `this would delete user ${plan.user}:`,
    `  ${count(plan.tokens, "API token")} (their CLI sessions end)`,
    `  membership of ${plan.organizations.length > 0 ? plan.organizations.join(", ") : "no organization"}`,
    `  ${count(plan.repositoryCount, "repository")} in namespace ${plan.user}${plan.repositoryCount > 0 ? `: ${someOf(plan.repositories, plan.repositoryCount)}` : ""}`,
  ]);
  emit(
    options,
    done,
    `Deleted user ${done.user} (${count(done.tokens, "token")}, ${count(done.repositoryCount, "repository")})`,
  );
}

/** Registers `user …`. */
export function registerUserCommands(program: Command): void {
  const user = program.command("user").description("manage users (server administrators)");
  withApiOptions(
    user
      .command("create <name>")
      .description("create a user (and the namespace of its name)")
      .option("--password-stdin", "read the new user's password from standard input")
      .option("--email <address>", "e-mail address")
      .option("--admin", "make the user a server administrator"),
  ).action(action(create));
  withApiOptions(user.command("list").description("list users")).action(action(list));
  withApiOptions(user.command("disable <name>").description("disable a user: password and tokens stop working")).action(
    action(setDisabled("disable")),
  );
  withApiOptions(user.command("enable <name>").description("re-enable a disabled user")).action(
    action(setDisabled("enable")),
  );
  withApiOptions(
    user
      .command("set-password <name>")
      .description("set a user's password (revokes their login sessions and refresh tokens)")
      .option("--password-stdin", "read the new password from standard input"),
  ).action(action(setPassword));
  withApiOptions(
    withDeleteOptions(
      user.command("delete <name>").description("delete a user with their tokens and memberships"),
      "also delete the repositories in the user's namespace",
    ),
  ).action(action(deleteUser));
}
