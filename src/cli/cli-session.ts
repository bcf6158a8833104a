/**
 * @module
 * The CLI's login session: which server, as whom, and the API token `wharf
 * login` obtained. It lives in `session.json` in the config directory —
 * `$WHARF_CONFIG_DIR`, else `$XDG_CONFIG_HOME/wharf`, else `~/.config/wharf`
 * — written atomically with mode 0600 (the directory 0700 when created
 * here), because the token is a credential.
 */
import { randomBytes } from "node:crypto";
import { chmod, mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";

/** What `wharf login` stores. */
export interface Session {
  readonly server: string;
  readonly username: string;
  readonly tokenName: string;
  readonly token: string;
  /** When the token expires (ISO time), as the server said at login; absent for sessions from older versions. */
  readonly expiresAt?: string;
}

/** The config directory for `env`. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.WHARF_CONFIG_DIR) return env.WHARF_CONFIG_DIR;
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, "wharf");
  return join(homedir(), ".config", "wharf");
}

/** The session file's path. */
export function sessionFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), "session.json");
}

/** The stored session, or undefined when there is none (or it is unreadable as a session). */
export async function readSession(env: NodeJS.ProcessEnv = process.env): Promise<Session | undefined> {
  let text: string;
  try {
    text = await readFile(sessionFile(env), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  let value: Partial<Session>;
  try {
    value = JSON.parse(text) as Partial<Session>;
  } catch {
    return undefined;
  }
  const fields = [value.server, value.username, value.tokenName, value.token];
  return fields.every((f) => typeof f === "string" && f.length > 0) ? (value as Session) : undefined;
}

/** Writes the session (0600) through a temporary file and a rename, so it is never half-written. */
export async function writeSession(session: Session, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const dir = configDir(env);
  const created = await mkdir(dir, { recursive: true, mode: 0o700 });
  if (created !== undefined) await chmod(dir, 0o700);
  const file = sessionFile(env);
  const temporary = `${file}.tmp-${randomBytes(4).toString("hex")}`;
  const handle = await open(temporary, "w", 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(session, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await chmod(temporary, 0o600);
  await rename(temporary, file);
  return file;
}

/** Deletes the session file (nothing when there is none). */
export async function removeSession(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await rm(sessionFile(env), { force: true });
}
