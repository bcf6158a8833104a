/**
 * @module
 * `wharf password`: change your own password on the server you are logged
 * in to. The current and the new password come from standard input with
 * `--password-stdin` (two lines: current, then new) or from hidden prompts
 * (the new one asked twice), never from flags. Your other `wharf login`
 * sessions and every refresh token issued before are revoked; this one stays.
 */
import type { Command } from "commander";
import { type ApiOptions, CliError, connect } from "./cli-api.ts";
import { action, emit, withApiOptions } from "./cli-output.ts";
import { readSecret } from "./read-secret.ts";

interface PasswordOptions extends ApiOptions {
  readonly passwordStdin?: boolean;
}

async function readPasswords(fromStdin: boolean | undefined): Promise<{ current: string; password: string }> {
  if (fromStdin) {
    const text = await readSecret(true);
    const lines = text.split(/\r?\n/);
    if (lines.length !== 2 || lines[0] === "" || lines[1] === "") {
      throw new CliError("give two lines on standard input: the current password, then the new one");
    }
    return { current: lines[0]!, password: lines[1]! };
  }
  const current = await readSecret(false, "Current password: ");
  const password = await readSecret(false, "New password: ");
  if ((await readSecret(false, "New password again: ")) !== password) {
    throw new CliError("the two new passwords differ; nothing was changed");
  }
  return { current, password };
}

async function changePassword(options: PasswordOptions): Promise<void> {
  const client = await connect(options);
  const body = await readPasswords(options.passwordStdin);
  const answer = (await client.request("PUT", "/user/password", body)) as { name: string; sessionsRevoked: number };
  emit(
    options,
    answer,
    `Changed the password of ${answer.name} on ${client.server}; revoked ${answer.sessionsRevoked} other login session(s)`,
  );
}

/** Registers `password`. */
export function registerPasswordCommand(program: Command): void {
  withApiOptions(
    program
      .command("password")
      .description("change your own password (current and new from prompts or --password-stdin)")
      .option("--password-stdin", "read two lines from standard input: the current password, then the new one"),
  ).action(action(changePassword));
}
