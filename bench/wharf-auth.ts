/**
 * @module
 * The two Wharf configurations and the token the authenticated one is
 * measured with. Both start from the same environment — a random
 * WHARF_ADMIN_PASSWORD for the bootstrap `admin`, a token lifetime longer
 * than any run — and differ only in `auth.enabled`. For auth on, the client
 * does what docker and skopeo do: read the `service` from the challenge of
 * `GET /v2/`, one `GET /auth/token` with Basic admin:password and a pull,push
 * scope for every benchmark repository, then `Authorization: Bearer <token>`
 * on every request.
 */
import { randomBytes } from "node:crypto";
import http from "node:http";

/** What the benchmark asks of Wharf's token endpoint. */
export interface AuthPlan {
  readonly password: string;
  readonly repositories: readonly string[];
}

/** WHARF_AUTH__TOKEN_TTL: longer than a full run, so one token lasts. */
export const TOKEN_TTL = "2h";
const DEFAULT_SERVICE = "wharf";
const ACTIONS = ["pull", "push"] as const;
const TOKEN_TIMEOUT_MS = 30_000;

/** A fresh admin password for one run. */
export function randomPassword(): string {
  return randomBytes(18).toString("base64url");
}

/**
 * The environment for `wharf serve`: this process's, without WHARF_BENCH_*
 * (not Wharf configuration keys; its strict schema would refuse them) and
 * with the auth settings of this benchmark.
 */
export function wharfEnvironment(auth: boolean, password: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith("WHARF_BENCH_")) env[name] = value;
  }
  // One process unless a run says otherwise (the workers rows do): the RSS rows
  // read one PID, and the main table compares one process with Distribution's one.
  env.WHARF_SERVER__WORKERS ??= "1";
  env.WHARF_AUTH__ENABLED = String(auth);
  env.WHARF_AUTH__TOKEN_TTL = TOKEN_TTL;
  env.WHARF_ADMIN_PASSWORD = password;
  return env;
}

/** The `scope` parameters: `repository:<name>:pull,push` for each repository. */
export function tokenScopes(repositories: readonly string[]): string[] {
  return repositories.map((name) => `repository:${name}:${ACTIONS.join(",")}`);
}

/**
 * Gets one Bearer token for `admin` and checks that it grants pull and push
 * on every repository; returns the header to send with every request.
 */
export async function bearerHeaders(baseUrl: string, plan: AuthPlan): Promise<Record<string, string>> {
  const query = new URLSearchParams({ service: await challengeService(baseUrl) });
  for (const scope of tokenScopes(plan.repositories)) query.append("scope", scope);
  const basic = Buffer.from(`admin:${plan.password}`).toString("base64");
  const reply = await get(`${baseUrl}/auth/token?${query}`, { authorization: `Basic ${basic}` });
  if (reply.status !== 200) throw new Error(`GET /auth/token: HTTP ${reply.status}: ${reply.text.slice(0, 300)}`);
  let token: unknown;
  try {
    token = (JSON.parse(reply.text) as { token?: unknown }).token;
  } catch {
    throw new Error(`GET /auth/token: not JSON: ${reply.text.slice(0, 300)}`);
  }
  if (typeof token !== "string" || token === "") throw new Error("GET /auth/token: no token in the answer");
  checkGrant(token, plan.repositories);
  return { authorization: `Bearer ${token}` };
}

/** The `service` of the Bearer challenge `GET /v2/` answers with (what docker sends back). */
async function challengeService(baseUrl: string): Promise<string> {
  const reply = await get(`${baseUrl}/v2/`, {});
  const challenge = String(reply.headers["www-authenticate"] ?? "");
  if (reply.status !== 401 || !challenge.startsWith("Bearer ")) {
    throw new Error(`GET /v2/ without a token: HTTP ${reply.status}, no Bearer challenge (is auth on?)`);
  }
  return /service="([^"]*)"/.exec(challenge)?.[1] || DEFAULT_SERVICE;
}

interface AccessEntry {
  readonly type?: string;
  readonly name?: string;
  readonly actions?: readonly string[];
}

/** Reads the JWT's `access` claim (unverified: the server verifies) and throws on anything missing. */
function checkGrant(token: string, repositories: readonly string[]): void {
  const payload = token.split(".")[1] ?? "";
  let access: AccessEntry[];
  try {
    access =
      (JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { access?: AccessEntry[] }).access ?? [];
  } catch {
    throw new Error("GET /auth/token: the token is not a JWT with an access claim");
  }
  const missing = repositories.filter((name) => {
    const entry = access.find((a) => a.type === "repository" && a.name === name);
    return !ACTIONS.every((action) => entry?.actions?.includes(action) || entry?.actions?.includes("*"));
  });
  if (missing.length > 0) throw new Error(`the token does not grant pull,push on ${missing.join(", ")}`);
}

interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
}

/** One GET on a fresh connection; status, headers and body text. */
function get(url: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, headers, timeout: TOKEN_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text });
      });
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${new URL(url).pathname}: no answer within 30 s`)));
    req.on("error", reject);
  });
}
