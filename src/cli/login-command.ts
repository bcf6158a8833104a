/**
 * @module
 * `wharf login`, `wharf logout`, `wharf whoami`: a session against one
 * server. Login trades the password (read from stdin or a hidden prompt,
 * never a flag) for an API token named `cli-<time>` that expires (30 days
 * unless `--expires` says otherwise) and stores only that token; whoami
 * shows the token and when it expires; logout revokes it on the server and
 * deletes the session.
 */
import type { Command } from "commander";
import { type ApiClient, type ApiOptions, CliError, connect, createApiClient, normalizeServer } from "./cli-api.ts";
import { action, emit, table, withApiOptions } from "./cli-output.ts";
import { readSession, removeSession, writeSession } from "./cli-session.ts";
import { readSecret } from "./read-secret.ts";

interface LoginOptions extends ApiOptions {
  readonly username: string;
  readonly passwordStdin?: boolean;
  readonly expires: string;
}

interface LoginAnswer {
  readonly user: string;
  readonly tokenName: string;
  readonly token: string;
  readonly expiresAt?: string | null;
}

interface TokenInfo {
  readonly name: string;
  readonly state: string;
  readonly expiresAt: string | null;
}

interface Me {
  readonly name: string;
  readonly admin: boolean;
  readonly tokenName?: string;
  readonly organizations: { name: string; role: string }[];
}

async function login(url: string | undefined, options: LoginOptions): Promise<void> {
  const previous = await readSession();
  const given = url ?? options.server ?? previous?.server;
  if (!given) throw new CliError("give the server URL: wharf login <url> -u <user> --password-stdin");
  const server = normalizeServer(given);
  const password = await readSecret(options.passwordStdin);
  const client = createApiClient(server, options.username, password);
  const answer = (await client.request("POST", "/login", { expires: options.expires })) as LoginAnswer;
  const expiresAt = answer.expiresAt ?? null;
  if (previous && previous.server === server) {
    // Re-login replaces the session: revoke the token it held so they do not pile up.
    const old = createApiClient(server, previous.username, previous.token);
    await old.request("DELETE", `/tokens/${encodeURIComponent(previous.tokenName)}`).catch(() => undefined);
  }
  const session = { server, username: answer.user, tokenName: answer.tokenName, token: answer.token };
  const file = await writeSession(expiresAt ? { ...session, expiresAt } : session);
  emit(
    options,
    { server, user: answer.user, tokenName: answer.tokenName, expiresAt },
    `Logged in to ${server} as ${answer.user} (API token ${answer.tokenName}, expires ${expiresAt ?? "never"}, session in ${file})`,
  );
}

async function logout(options: ApiOptions): Promise<void> {
  const session = await readSession();
  if (!session) throw new CliError("not logged in");
  const client = await connect(options);
  let problem: CliError | undefined;
  try {
    await client.request("DELETE", `/tokens/${encodeURIComponent(session.tokenName)}`);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    if (error.status !== 401 && error.status !== 404) problem = error;
  }
  await removeSession();
  if (problem) {
    throw new CliError(
      `removed the local session, but could not revoke token ${session.tokenName}: ${problem.message}; revoke it with wharf token revoke after logging in again`,
    );
  }
  emit(
    options,
    { server: session.server, tokenName: session.tokenName, revoked: true },
    `Logged out of ${session.server} (token ${session.tokenName} revoked)`,
  );
}

/** The session token's name and expiry as the server knows them (the stored session's when the server does not say). */
async function sessionToken(client: ApiClient, me: Me) {
  if (me.tokenName === undefined) return undefined;
  const { tokens } = (await client.request("GET", "/tokens")) as { tokens: TokenInfo[] };
  const found = tokens.find((t) => t.name === me.tokenName && t.state === "active");
  const stored = await readSession();
  const expiresAt = found ? found.expiresAt : stored?.tokenName === me.tokenName ? (stored.expiresAt ?? null) : null;
  return { name: me.tokenName, expiresAt };
}

async function whoami(options: ApiOptions): Promise<void> {
  const client = await connect(options);
  const me = (await client.request("GET", "/user")) as Me;
  const token = await sessionToken(client, me);
  const tokenLine = token ? [`API token ${token.name}, expires ${token.expiresAt ?? "never"}`] : [];
  emit(options, { server: client.server, ...me, ...(token ? { tokenExpiresAt: token.expiresAt } : {}) }, [
    `${me.name} on ${client.server}${me.admin ? " (server administrator)" : ""}`,
    ...tokenLine,
    ...(me.organizations.length > 0
      ? [
          "",
          ...table(
            ["organization", "role"],
            me.organizations.map((o) => [o.name, o.role]),
          ),
        ]
      : []),
  ]);
}

/** Registers `login`, `logout` and `whoami`. */
export function registerLoginCommands(program: Command): void {
  withApiOptions(
    program
      .command("login [url]")
      .description("log in to a Wharf server and store an API token for the other commands")
      .requiredOption("-u, --username <user>", "user name")
      .option("--password-stdin", "read the password (or an API token) from standard input")
      .option("--expires <duration>", "lifetime of the session's API token, e.g. 12h, 30d, 365d", "30d"),
  ).action(action(login));
  withApiOptions(program.command("logout").description("revoke the session's token and forget it")).action(
    action(logout),
  );
  withApiOptions(program.command("whoami").description("show who you are logged in as")).action(action(whoami));
}
