/**
 * @module
 * `npm run campaigns [-- crash gc fuzz disk-full]`: runs the crash, GC,
 * fuzz and disk-full campaigns against the real server and writes what they
 * measured to `test/campaigns/RESULTS.md` (each campaign's section is
 * replaced; the others are kept). Sizes come from the environment so the
 * issue's full scale can be run on a bigger machine:
 * CAMPAIGN_SEED, CAMPAIGN_ROUNDS, CAMPAIGN_PUSHES, CAMPAIGN_CLIENTS,
 * CAMPAIGN_FUZZ_REQUESTS. Exits 1 when any campaign found a problem.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runCrashCampaign } from "./crash-campaign.ts";
import { runDiskFullCampaign } from "./disk-full-campaign.ts";
import { runFuzzCampaign } from "./fuzz-campaign.ts";

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const seed = env("CAMPAIGN_SEED", 17);
const rounds = env("CAMPAIGN_ROUNDS", 20);
const pushes = env("CAMPAIGN_PUSHES", 200);
const clients = env("CAMPAIGN_CLIENTS", 16);
const fuzzRequests = env("CAMPAIGN_FUZZ_REQUESTS", 10_000);
const resultsFile = process.env.CAMPAIGN_RESULTS ?? join(import.meta.dirname, "RESULTS.md");
const log = (line: string) => console.log(line);

const selected = process.argv.slice(2);
const wanted = (name: string) => selected.length === 0 || selected.includes(name);
const sections = new Map<string, string>();
let failed = false;

const crashTable = (result: Awaited<ReturnType<typeof runCrashCampaign>>, gc: boolean) => {
  const lines = [
    `| round | pushes started | kill after | acked (cumulative) | manifests checked | blobs checked | lost | partial served | integrity_check |${gc ? " gc runs | blobs collected |" : ""}`,
    `|---|---|---|---|---|---|---|---|---|${gc ? "---|---|" : ""}`,
    ...result.rounds.map(
      (r) =>
        `| ${r.round} | ${r.started} | ${r.killedAfter} | ${r.ackedTotal} | ${r.checkedManifests} | ${r.checkedBlobs} | ${r.lost} | ${r.partial} | ${r.integrity} |${gc ? ` ${r.gcRuns} | ${r.gcDeletedBlobs} |` : ""}`,
    ),
    "",
    "Pushes by kind over the whole campaign (acknowledged 201 / refused 4xx / 5xx / cut by the kill):",
    "",
    ...Object.entries(result.counts).map(
      ([kind, c]) =>
        `- ${kind}: ${c.acked} acked, ${c.refused} refused${
          c.refused
            ? ` (${Object.entries(c.codes)
                .map(([k, n]) => `${k} × ${n}`)
                .join(", ")})`
            : ""
        }, ${c.errors5xx} × 5xx, ${c.cut} cut`,
    ),
  ];
  const problems = result.rounds.flatMap((r) => r.problems.map((p) => `- round ${r.round}: ${p}`));
  if (problems.length) lines.push("", "Problems:", "", ...problems);
  const bad = result.rounds.some((r) => r.lost > 0 || r.partial > 0 || r.integrity !== "ok" || r.gcFailures > 0);
  if (bad || Object.values(result.counts).some((c) => c.errors5xx > 0)) failed = true;
  return lines.join("\n");
};

const stamp = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");

if (wanted("crash")) {
  log(`== crash campaign: seed ${seed}, ${rounds} rounds × ≤ ${pushes} pushes, ${clients} clients`);
  const result = await runCrashCampaign({ seed, rounds, pushesPerRound: pushes, clients, log });
  sections.set(
    "crash",
    `## 1. SIGKILL during pushes\n\nRun ${stamp()}: seed ${seed}, ${rounds} rounds, at most ${pushes} pushes per round from ${clients} concurrent clients (monolithic, chunked, mounts, manifests), SIGKILL after a random number of started pushes (between a quarter and all of them) plus 0–150 ms, restart on the same data directory, then every acknowledged manifest (by tag and digest) and blob pulled and compared byte for byte, every attempted blob fetched (a 200 must carry exactly its digest's bytes), \`PRAGMA integrity_check\` on wharf.db before the restart. All pushes use one principal (admin with a personal access token) and sessions cut by the kills stay open (resumable, until the upload sweeper removes them after \`uploads.maxAge\`), so the server runs with \`limits.maxOpenUploadsPerPrincipal\` lifted to 1 000 000 (with the default 100, an earlier run saw chunked pushes refused with \`DENIED\` once 100 cut sessions had piled up, as designed).\n\n${crashTable(result, false)}\n`,
  );
}

if (wanted("gc")) {
  log(`== gc campaign: seed ${seed + 1}, ${rounds} rounds × ≤ ${pushes} pushes, ${clients} clients, gc grace 1s`);
  const result = await runCrashCampaign({
    seed: seed + 1,
    rounds,
    pushesPerRound: pushes,
    clients,
    gcGrace: "1s",
    log,
  });
  sections.set(
    "gc",
    `## 2. GC in a loop during the crash workload\n\nRun ${stamp()}: the same workload and kills (seed ${seed + 1}, ${rounds} rounds, ≤ ${pushes} pushes, ${clients} clients) with \`POST /api/v1/gc {"grace":"1s"}\` as admin in a loop (50 ms apart). Checked after each restart: every acknowledged manifest and the blobs it references (blobs pushed alone, referenced by no manifest, are garbage after the 1 s grace and rightly collected, so they are not counted as lost; they are still fetched and must never be served partially). A manifest PUT whose blobs were collected before it arrived is refused (\`MANIFEST_BLOB_UNKNOWN\`, counted as refused). A mount whose source was collected answers 202 (an upload session instead, closed by the client; counted as refused).\n\n${crashTable(result, true)}\n`,
  );
}

if (wanted("fuzz")) {
  log(`== fuzz campaign: seed ${seed}, ${fuzzRequests} requests`);
  const result = await runFuzzCampaign({ seed, requests: fuzzRequests, log });
  if (result.serverErrors.length > 0 || result.crashed || result.transportErrors > 0) failed = true;
  sections.set("fuzz", `## 3. Fuzzer\n\nRun ${stamp()}: ${result.summary}\n`);
}

if (wanted("disk-full")) {
  log("== disk-full campaign");
  const result = await runDiskFullCampaign({ log });
  if (!result.ok) failed = true;
  sections.set(
    "disk-full",
    `## 4. Disk full during an upload\n\nRun ${stamp()}: ${result.summary}\n\nFound by this campaign and fixed on the same branch: before, both pushes ended in a connection reset (the body iterator destroyed the request when the store failed, and the dispatcher took that for a client gone away) and ENOSPC was an unexpected error; now the upload body is read without destroying the request (src/http/registry/upload-body.ts) and a full disk is a StorageBackendError (src/storage/filesystem-driver.ts), answered 503 UNAVAILABLE. Regression tests: test/upload-refusals.test.ts, src/storage/filesystem-driver-full.test.ts.\n`,
  );
}

const order = ["crash", "gc", "fuzz", "disk-full"];
const previous = await readFile(resultsFile, "utf8").catch(() => "");
const kept = new Map<string, string>();
for (const [i, name] of order.entries()) {
  const found = new RegExp(`(## ${i + 1}\\. [\\s\\S]*?)(?=\\n## \\d\\. |$)`).exec(previous);
  if (found) kept.set(name, `${found[1]!.trimEnd()}\n`);
}
const body = order.map((name) => sections.get(name) ?? kept.get(name)).filter((s) => s !== undefined);
await writeFile(
  resultsFile,
  `# Campaign results\n\nWritten by \`npm run campaigns\` (test/campaigns/run.campaign.ts); each section is replaced when its campaign runs again. Sizes: CAMPAIGN_SEED, CAMPAIGN_ROUNDS, CAMPAIGN_PUSHES, CAMPAIGN_CLIENTS, CAMPAIGN_FUZZ_REQUESTS.\n\n${body.join("\n")}`,
);
log(`results written to ${resultsFile}`);
process.exitCode = failed ? 1 : 0;
