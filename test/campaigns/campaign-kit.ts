/**
 * @module
 * Shared parts of the campaigns: a seeded random source, a Wharf started
 * with auth and a `shop` application to push into, an authenticated fetch
 * that never throws (a dead server is an outcome, not an exception), the
 * SQLite integrity check and the RSS of a process.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { createManagementClient } from "../support/management-client.ts";
import { basicAuth } from "../support/registry-auth.ts";
import { adminPassword, type StartOptions, startWharf, type WharfProcess } from "../support/start-wharf.ts";

/** The administrator's Basic header (the server caches the verified password). */
export const adminAuth = basicAuth("admin", adminPassword);

/**
 * The registry credentials of the pushing clients: `admin` with a personal
 * access token for `shop/*` (tokens are not subject to the login rate limit,
 * which reserves an attempt per concurrent password check), set by
 * {@link startCampaignWharf} on a fresh server.
 */
export const credentials = { registry: adminAuth };

/** A small seeded PRNG (mulberry32), so a campaign can be replayed from its seed. */
export function seededRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    /** An integer in [min, max]. */
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    bytes(length: number): Buffer {
      const out = Buffer.alloc(length);
      for (let i = 0; i < length; i += 4) out.writeUInt32LE(Math.floor(next() * 4294967296), Math.min(i, length - 4));
      return out;
    },
  };
}

/** A seeded random source. */
export type Random = ReturnType<typeof seededRandom>;

/** The result of one request: a status and body, or the transport error. */
export type Outcome = { status: number; headers: Headers; body: Buffer } | { error: string };

/** `fetch` with the registry credentials (`auth`; null sends none) that reports transport errors instead of throwing. */
export async function call(
  url: string,
  init: RequestInit = {},
  auth: string | null = credentials.registry,
): Promise<Outcome> {
  try {
    const headers = new Headers(init.headers);
    if (auth !== null && !headers.has("authorization")) headers.set("authorization", auth);
    const res = await fetch(url, { ...init, headers, signal: init.signal ?? AbortSignal.timeout(60_000) });
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  } catch (error) {
    return { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

/** Starts Wharf with auth on and (on a new data directory, or with `setUp`) creates the `acme` organization with its `shop` application. */
export async function startCampaignWharf(
  options: StartOptions = {},
  setUp = options.dataDir === undefined,
): Promise<WharfProcess> {
  const wharf = await startWharf({ auth: true, ...options });
  if (setUp) {
    const api = createManagementClient(wharf.url);
    await api.expect(201, "POST", "/orgs", { as: ["admin", adminPassword], body: { name: "acme" } });
    await api.expect(201, "POST", "/orgs/acme/apps", { as: ["admin", adminPassword], body: { slug: "shop" } });
    const token = await api.expect(201, "POST", "/tokens", {
      as: ["admin", adminPassword],
      body: { name: "campaign", scopes: ["shop/*:pull,push"] },
    });
    credentials.registry = basicAuth("admin", token.body.token);
  }
  return wharf;
}

/** `PRAGMA integrity_check` on the data directory's SQLite database (server stopped). */
export function integrityCheck(dataDir: string): string {
  const db = new DatabaseSync(join(dataDir, "wharf.db"));
  try {
    const rows = db.prepare("PRAGMA integrity_check").all() as { integrity_check: string }[];
    return rows.map((row) => row.integrity_check).join("; ");
  } finally {
    db.close();
  }
}

/** VmRSS of a process in KiB, from /proc/<pid>/status. */
export async function rssKib(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
}

/** Runs `work` for each item with at most `limit` at a time. */
export async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
