/**
 * @module
 * Campaign 3: a seeded fuzzer sends malformed requests (see
 * fuzz-inputs.ts) at the real server, a few at a time, and counts answers by
 * category. It passes with no 5xx, no transport error (a crash or a reset),
 * the process still running, and it reports the server's RSS before and after.
 */
import { readFile } from "node:fs/promises";
import { sha256 } from "../support/registry-http.ts";
import { removeDataDir } from "../support/start-wharf.ts";
import {
  adminAuth,
  call,
  credentials,
  eachLimited,
  type Outcome,
  type Random,
  rssKib,
  seededRandom,
  startCampaignWharf,
} from "./campaign-kit.ts";
import { type FuzzRequest, nextFuzzRequest } from "./fuzz-inputs.ts";

/** The node process that serves (the launcher execs node; follow single children in case a wrapper spawns it). */
async function serverPid(pid: number): Promise<number> {
  const children = (await readFile(`/proc/${pid}/task/${pid}/children`, "utf8").catch(() => "")).trim().split(/\s+/);
  return children.length === 1 && children[0] ? serverPid(Number(children[0])) : pid;
}

/** Sends an upload session's chunks in a random, usually wrong, order and finishes it (or not). */
async function chunkSequence(base: string, random: Random, send: (outcome: Outcome, what: string) => void) {
  const data = random.bytes(random.int(1, 100_000));
  const started = await call(`${base}/v2/shop/fuzz/blobs/uploads/`, { method: "POST" });
  send(started, "POST upload");
  if ("error" in started || started.status !== 202) return;
  const location = new URL(started.headers.get("location") ?? "", base);
  for (let i = random.int(0, 4); i > 0; i--) {
    const from = random.pick([0, random.int(0, data.length), random.int(-5, data.length * 2)]);
    const to = random.pick([from + random.int(0, 50_000), from - 1, random.int(0, data.length)]);
    const range = random.pick([`${from}-${to}`, `${from}-`, `bytes ${from}-${to}/*`, `${to}-${from}`, "abc", "-1-5"]);
    const body = data.subarray(Math.max(0, Math.min(from, data.length)), Math.max(0, Math.min(to + 1, data.length)));
    send(
      await call(location.href, {
        method: "PATCH",
        headers: { "content-type": "application/octet-stream", "content-range": range },
        body,
      }),
      `PATCH ${range}`,
    );
  }
  const digest = random.pick([sha256(data), `sha256:${"0".repeat(64)}`, "sha256:abc", "", "md5:00"]);
  const finish = new URL(location);
  if (digest) finish.searchParams.set("digest", digest);
  const action = random.pick(["PUT", "PUT", "DELETE", "GET", "none"]);
  if (action === "none") return;
  send(
    await call(finish.href, {
      method: action,
      body: action === "PUT" && random.next() < 0.3 ? data.subarray(0, 7) : undefined,
    }),
    `${action} upload ${digest}`,
  );
}

/** Runs `requests` malformed requests (or a few more: a chunk sequence is several). */
export async function runFuzzCampaign(options: { seed: number; requests: number; log: (line: string) => void }) {
  const random = seededRandom(options.seed);
  const wharf = await startCampaignWharf();
  const base = wharf.url;
  const layer = random.bytes(10_000);
  const layerDigest = sha256(layer);
  await call(`${base}/v2/shop/base/blobs/uploads/?digest=${layerDigest}`, { method: "POST", body: layer });
  const pid = await serverPid(wharf.child.pid!);
  const rssBefore = await rssKib(pid);
  const byCategory = new Map<string, Map<string, number>>();
  const serverErrors: string[] = [];
  let transportErrors = 0;
  let sent = 0;
  const record = (category: string, outcome: Outcome, what: string) => {
    sent++;
    const key = "error" in outcome ? "transport error" : String(outcome.status);
    const counts = byCategory.get(category) ?? new Map<string, number>();
    counts.set(key, (counts.get(key) ?? 0) + 1);
    byCategory.set(category, counts);
    if ("error" in outcome) {
      transportErrors++;
      serverErrors.push(`${category} ${what}: ${outcome.error}`);
    } else if (outcome.status >= 500)
      serverErrors.push(`${category} ${what}: ${outcome.status} ${outcome.body.toString().slice(0, 200)}`);
  };
  const plan: FuzzRequest[] = Array.from({ length: options.requests }, () => nextFuzzRequest(random));
  const rssSamples: string[] = [];
  await eachLimited([...plan.entries()], 8, async ([index, request]) => {
    if (index > 0 && index % Math.ceil(plan.length / 10) === 0) rssSamples.push(`${index}: ${await rssKib(pid)}`);
    if (request.method === "CHUNKS")
      return chunkSequence(base, random, (outcome, what) => record("chunks", outcome, what));
    const path = request.path.replace("{layer}", layerDigest);
    const outcome = await call(
      `${base}${path}`,
      {
        method: request.method,
        headers: request.headers,
        body: request.method === "GET" || request.method === "HEAD" ? undefined : request.body,
      },
      request.admin ? credentialsFor(path) : null,
    );
    record(request.category, outcome, `${request.method} ${path.slice(0, 120)}`);
  });
  const alive = wharf.child.exitCode === null && wharf.child.signalCode === null;
  const rssAfter = alive ? await rssKib(pid) : Number.NaN;
  const sanity = await call(`${base}/v2/shop/base/blobs/${layerDigest}`);
  const stillServes = !("error" in sanity) && sanity.status === 200 && sha256(sanity.body) === layerDigest;
  await wharf.stop();
  await removeDataDir(wharf.dataDir);
  const table = [...byCategory.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([category, counts]) =>
        `| ${category} | ${[...counts.values()].reduce((a, b) => a + b, 0)} | ${[...counts.entries()]
          .sort()
          .map(([s, n]) => `${s}: ${n}`)
          .join(", ")} |`,
    );
  const summary = [
    `seed ${options.seed}, ${sent} requests sent (${options.requests} planned; a chunk sequence is several requests), 8 at a time, to one server with auth on.`,
    "",
    `- 5xx answers: ${serverErrors.length - transportErrors}; transport errors (reset, refused): ${transportErrors}; server alive afterwards: ${alive ? "yes" : "NO"}; still serves a pushed blob byte-identically: ${stillServes ? "yes" : "NO"}`,
    `- server RSS (VmRSS of pid ${pid}): before ${rssBefore} KiB, after ${rssAfter} KiB; every tenth of the run (request: KiB) ${rssSamples.join(", ")}`,
    "",
    "| category | requests | statuses |",
    "|---|---|---|",
    ...table,
    ...(serverErrors.length ? ["", "Problems:", "", ...serverErrors.slice(0, 30).map((e) => `- ${e}`)] : []),
  ].join("\n");
  options.log(summary);
  return { serverErrors, crashed: !alive || !stillServes, transportErrors, summary };
}

function credentialsFor(path: string): string {
  return path.startsWith("/api/") ? adminAuth : credentials.registry;
}
