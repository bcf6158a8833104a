/**
 * @module
 * The pull-through proxy's rows: Distribution 2.8.2 as the upstream and a
 * Wharf with auth on (loopback allowed outbound) whose organization registers
 * it as external registry `up` of app `benchapp`. With the benchmark's client
 * and one Bearer token (admin; pull on the proxy name, pull,push on
 * `benchapp/direct`), it times whole image pulls (manifest, config, one
 * random layer): cold through the proxy vs direct from the upstream, warm
 * through the proxy vs the same image pushed to Wharf, and 8 concurrent cold
 * pulls of one image vs one cold pull, counting the proxy's upstream requests.
 */
import { readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { type Client, closeClient, createClient, expectStatus, send } from "./client.ts";
import { MiB } from "./fixtures.ts";
import { syncDisk } from "./limits.ts";
import { timed } from "./pool.ts";
import { type BenchImage, makeImage, pullImage, pushImage } from "./proxy-images.ts";
import { type RunningServer, startDistribution, startWharf } from "./servers.ts";
import { randomPassword } from "./wharf-auth.ts";

/** What the proxy session needs from the run. */
export interface ProxyPlan {
  readonly root: string;
  readonly workDir: string;
  readonly quick: boolean;
  readonly keep: boolean;
  readonly wharfArgs: readonly string[];
  readonly signal: AbortSignal;
}

/** The figures, in milliseconds (medians of 3 where said), or the error that stopped the session. */
export interface ProxyResults {
  readonly layerBytes: number;
  readonly cold?: number;
  readonly direct?: number;
  readonly warm?: number;
  readonly pushed?: number;
  readonly concurrent?: number;
  /** The proxy's upstream requests for one cold pull, and for the 8 concurrent ones. */
  readonly upstreamSingle?: number;
  readonly upstreamConcurrent?: number;
  readonly error?: string;
}

const UPSTREAM_REPO = "bench/img";
const PROXY_REPO = `proxy/benchapp/up/${UPSTREAM_REPO}`;
const DIRECT_REPO = "benchapp/direct";
const COLD_TAGS = ["c0", "c1", "c2"];
const CONCURRENT_TAG = "conc";

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

/** CPU ms (user + system) the process `pid` has used so far. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Times one pull per tag, flushing dirty pages before each; the median in ms. */
async function medianPull(client: Client, repo: string): Promise<number> {
  const times: number[] = [];
  for (const tag of COLD_TAGS) {
    syncDisk();
    times.push((await timed(() => pullImage(client, repo, tag))) * 1000);
  }
  return median(times);
}

/** A JSON call to the management API as admin (Basic). */
async function manage(client: Client, password: string, path: string, body: unknown): Promise<void> {
  const json = Buffer.from(JSON.stringify(body));
  const authorization = `Basic ${Buffer.from(`admin:${password}`).toString("base64")}`;
  const headers = { authorization, "content-type": "application/json", "content-length": String(json.length) };
  expectStatus(await send(client, { method: "POST", target: `/api/v1${path}`, headers, body: json }), 201, path);
}

/** A Bearer token for admin with the scopes the session uses. */
async function proxyToken(base: string, password: string): Promise<string> {
  const bare = createClient(base);
  try {
    const challenge = String((await send(bare, { method: "GET", target: "/v2/" })).headers["www-authenticate"]);
    const query = new URLSearchParams({ service: /service="([^"]*)"/.exec(challenge)?.[1] ?? "wharf" });
    query.append("scope", `repository:${PROXY_REPO}:pull`);
    query.append("scope", `repository:${DIRECT_REPO}:pull,push`);
    const authorization = `Basic ${Buffer.from(`admin:${password}`).toString("base64")}`;
    const reply = await send(bare, { method: "GET", target: `/auth/token?${query}`, headers: { authorization } });
    return (JSON.parse(expectStatus(reply, 200, "GET /auth/token").body.toString()) as { token: string }).token;
  } finally {
    closeClient(bare);
  }
}

/** The sum of `wharf_proxy_upstream_requests_total` for app benchapp. */
async function upstreamRequests(client: Client): Promise<number> {
  const text = (await send(client, { method: "GET", target: "/metrics" })).body.toString();
  const lines = text.split("\n").filter((l) => /^wharf_proxy_upstream_requests_total\{[^}]*app="benchapp"/.test(l));
  return lines.reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);
}

/** Runs the proxy session; a failure is reported in `error`, only an abort throws. */
export async function benchProxy(plan: ProxyPlan): Promise<ProxyResults> {
  const layerBytes = (plan.quick ? 64 : 128) * MiB;
  const results: { -readonly [K in keyof ProxyResults]: ProxyResults[K] } = { layerBytes };
  const servers: RunningServer[] = [];
  const clients: Client[] = [];
  const dirs = ["proxy-upstream", "proxy-wharf"].map((d) => join(plan.workDir, d));
  try {
    const upstream = await startDistribution(dirs[0]!);
    servers.push(upstream);
    const password = randomPassword();
    const wharf = await startWharf(dirs[1]!, {
      root: plan.root,
      extraArgs: plan.wharfArgs,
      auth: true,
      authPlan: { password, repositories: [] },
      env: { WHARF_OUTBOUND__ALLOW: "127.0.0.0/8" },
    });
    servers.push(wharf);
    console.log(`proxy: upstream ${upstream.url}, wharf ${wharf.url}`);
    const direct = createClient(upstream.url);
    const admin = createClient(wharf.url);
    clients.push(direct, admin);
    await manage(admin, password, "/orgs", { name: "vendor" });
    await manage(admin, password, "/orgs/vendor/apps", { slug: "benchapp" });
    const registry = upstream.url.replace("http://", "");
    await manage(admin, password, "/orgs/vendor/external-registries", { name: "up", registry, insecure: true });
    const client = createClient(wharf.url, { authorization: `Bearer ${await proxyToken(wharf.url, password)}` });
    clients.push(client);

    const images = new Map<string, BenchImage>();
    for (const tag of [...COLD_TAGS, CONCURRENT_TAG]) {
      const image = makeImage(`bench ${tag} ${Date.now()}`, layerBytes);
      await pushImage(direct, UPSTREAM_REPO, tag, image);
      images.set(tag, image);
    }
    plan.signal.throwIfAborted();
    results.direct = await medianPull(direct, UPSTREAM_REPO);
    const before = await upstreamRequests(admin);
    const cpuBefore = cpuMs(wharf.process.pid);
    results.cold = await medianPull(client, PROXY_REPO);
    const cpuPerPull = (cpuMs(wharf.process.pid) - cpuBefore) / COLD_TAGS.length;
    console.log(`proxy: Wharf CPU per cold pull ${cpuPerPull.toFixed(0)} ms (mean of ${COLD_TAGS.length})`);
    results.upstreamSingle = ((await upstreamRequests(admin)) - before) / COLD_TAGS.length;
    results.warm = await medianPull(client, PROXY_REPO);
    for (const tag of COLD_TAGS) await pushImage(client, DIRECT_REPO, tag, images.get(tag)!);
    results.pushed = await medianPull(client, DIRECT_REPO);
    plan.signal.throwIfAborted();
    syncDisk();
    const beforeConcurrent = await upstreamRequests(admin);
    const pulls = Array.from({ length: 8 }, () => () => pullImage(client, PROXY_REPO, CONCURRENT_TAG));
    const cpuConcurrent = cpuMs(wharf.process.pid);
    results.concurrent = (await timed(() => Promise.all(pulls.map((pull) => pull())))) * 1000;
    console.log(`proxy: Wharf CPU for the 8 concurrent cold pulls ${cpuMs(wharf.process.pid) - cpuConcurrent} ms`);
    results.upstreamConcurrent = (await upstreamRequests(admin)) - beforeConcurrent;
  } catch (error) {
    plan.signal.throwIfAborted();
    results.error = error instanceof Error ? error.message : String(error);
    console.log(`proxy: ERROR ${results.error}`);
  } finally {
    for (const c of clients) closeClient(c);
    for (const server of servers) await server.process.stop();
    if (!plan.keep) for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    syncDisk();
  }
  return results;
}
