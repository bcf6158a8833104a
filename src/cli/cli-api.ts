/**
 * @module
 * The CLI's client for the management API: it sends Basic credentials (the
 * session's API token, or `WHARF_USERNAME` + `WHARF_TOKEN` for scripts),
 * decodes JSON, and turns the API's error envelope into a {@link CliError}
 * carrying the server's own message. Credentials never appear in errors.
 */
import { readSession, type Session } from "./cli-session.ts";

/** A failure to show the user as `wharf: <message>` (exit 1). */
export class CliError extends Error {
  override readonly name = "CliError";
  /** The HTTP status when the server refused, else undefined. */
  readonly status: number | undefined;

  constructor(message: string, status?: number) {
    super(message);
    this.status = status;
  }
}

/** The options every API command takes. */
export interface ApiOptions {
  readonly server?: string;
  readonly output: "text" | "json";
  /** `--json`: the same as `output: "json"`. */
  readonly json?: boolean;
}

/** A base URL without a trailing '/'; no scheme means https, or http for a loopback host. */
export function normalizeServer(text: string): string {
  const trimmed = text.trim().replace(/\/+$/, "");
  if (/^https?:\/\//.test(trimmed)) return trimmed;
  const loopback = /^(localhost|127\.[0-9.]+|\[::1\])(:\d+)?$/.test(trimmed);
  return `${loopback ? "http" : "https"}://${trimmed}`;
}

/** A client for one server and one credential. */
export interface ApiClient {
  readonly server: string;
  readonly username: string;
  /** Sends a request to `/api/v1<path>`; resolves to the JSON answer (undefined for 204). */
  request(method: string, path: string, body?: unknown): Promise<unknown>;
}

function errorMessage(status: number, text: string): string {
  try {
    const envelope = JSON.parse(text) as { errors?: { message?: string }[] };
    const message = envelope.errors?.[0]?.message;
    if (message) return message;
  } catch {}
  return `the server answered ${status}`;
}

/** Creates a client that authenticates as `username` with `secret`. */
export function createApiClient(server: string, username: string, secret: string, hint = ""): ApiClient {
  const authorization = `Basic ${Buffer.from(`${username}:${secret}`).toString("base64")}`;
  return {
    server,
    username,
    async request(method, path, body) {
      let res: Response;
      try {
        res = await fetch(`${server}/api/v1${path}`, {
          method,
          headers: { authorization, ...(body === undefined ? {} : { "content-type": "application/json" }) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (error) {
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        throw new CliError(`cannot reach ${server}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
      }
      const text = await res.text();
      if (!res.ok) throw new CliError(errorMessage(res.status, text) + (res.status === 401 ? hint : ""), res.status);
      if (res.status === 204 || text.length === 0) return undefined;
      return JSON.parse(text) as unknown;
    },
  };
}

/** A client from the environment (WHARF_USERNAME + WHARF_TOKEN) or the stored session. */
export async function connect(options: ApiOptions, env: NodeJS.ProcessEnv = process.env): Promise<ApiClient> {
  const wanted = options.server ? normalizeServer(options.server) : undefined;
  if (env.WHARF_USERNAME && env.WHARF_TOKEN) {
    const server = wanted ?? (env.WHARF_SERVER ? normalizeServer(env.WHARF_SERVER) : (await readSession(env))?.server);
    if (!server) throw new CliError("give the server with --server or WHARF_SERVER");
    return createApiClient(server, env.WHARF_USERNAME, env.WHARF_TOKEN);
  }
  const session: Session | undefined = await readSession(env);
  if (!session) throw new CliError("not logged in; run: wharf login <url> -u <user> --password-stdin");
  if (wanted && wanted !== session.server) {
    throw new CliError(`not logged in to ${wanted} (the session is for ${session.server}); run: wharf login ${wanted}`);
  }
  const hint = `; the session token may have been revoked or expired: run wharf login ${session.server}`;
  return createApiClient(session.server, session.username, session.token, hint);
}
