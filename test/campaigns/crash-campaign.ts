/**
 * @module
 * Campaigns 1 and 2: rounds of concurrent pushes ended by a SIGKILL at a
 * random moment, then a restart on the same data directory and a check that
 * every acknowledged push pulls byte-identically, no partial blob is served
 * and `PRAGMA integrity_check` is ok — optionally with the garbage collector
 * running in a loop (short grace) during the pushes.
 */
import { setTimeout as delay } from "node:timers/promises";
import { removeDataDir, type WharfProcess } from "../support/start-wharf.ts";
import { adminAuth, call, integrityCheck, seededRandom, startCampaignWharf } from "./campaign-kit.ts";
import { checkLedger, createLedger, runPushClients } from "./push-workload.ts";

/** Parameters of a crash campaign. */
export interface CrashOptions {
  readonly seed: number;
  readonly rounds: number;
  /** Pushes started per round at most; the kill lands after a random number of them. */
  readonly pushesPerRound: number;
  readonly clients: number;
  /** Run `POST /api/v1/gc` with this grace in a loop during the pushes. */
  readonly gcGrace?: string;
  readonly log: (line: string) => void;
}

/** One round's numbers. */
export interface CrashRound {
  readonly round: number;
  readonly started: number;
  readonly killedAfter: number;
  readonly ackedTotal: number;
  readonly lost: number;
  readonly partial: number;
  readonly integrity: string;
  readonly gcRuns: number;
  readonly gcFailures: number;
  /** Blobs the collector deleted during the round. */
  readonly gcDeletedBlobs: number;
  readonly checkedManifests: number;
  readonly checkedBlobs: number;
  readonly problems: string[];
}

/** Runs the campaign and returns each round and the final per-kind counts. */
export async function runCrashCampaign(options: CrashOptions) {
  const random = seededRandom(options.seed);
  const ledger = createLedger();
  const rounds: CrashRound[] = [];
  // One principal pushes everything, and sessions cut by kills stay open
  // (resumable): lift the per-principal session limit so it does not end
  // up throttling the chunked pushes this campaign is about.
  const env = { WHARF_LIMITS__MAX_OPEN_UPLOADS_PER_PRINCIPAL: "1000000" };
  let wharf: WharfProcess = await startCampaignWharf({ env });
  const dataDir = wharf.dataDir;
  try {
    for (let round = 1; round <= options.rounds; round++) {
      const killAt = random.int(Math.ceil(options.pushesPerRound / 4), options.pushesPerRound);
      let started = 0;
      let killed = false;
      let killing: Promise<void> | undefined;
      const server = wharf;
      const proceed = () => {
        if (killed || started >= options.pushesPerRound) return false;
        started++;
        if (started === killAt)
          killing = delay(random.int(0, 150)).then(async () => {
            killed = true;
            await server.kill();
          });
        return true;
      };
      let gcRuns = 0;
      let gcFailures = 0;
      let gcDeletedBlobs = 0;
      const problems: string[] = [];
      const gcLoop = (async () => {
        while (options.gcGrace && !killed && started < options.pushesPerRound) {
          const answer = await call(
            `${server.url}/api/v1/gc`,
            {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ grace: options.gcGrace }),
            },
            adminAuth,
          );
          if (!("error" in answer) && answer.status === 200) {
            gcRuns++;
            gcDeletedBlobs += (JSON.parse(answer.body.toString()) as { blobs: number }).blobs;
          } else if (!("error" in answer)) {
            gcFailures++;
            problems.push(`gc answered ${answer.status}: ${answer.body.toString().slice(0, 200)}`);
          }
          await delay(50);
        }
      })();
      await runPushClients({
        base: () => server.url,
        clients: options.clients,
        random,
        ledger,
        round: `k${round}`,
        proceed,
      });
      await gcLoop;
      if (killing) await killing;
      else await server.kill();
      const integrity = integrityCheck(dataDir);
      wharf = await startCampaignWharf({ dataDir, env });
      const check = await checkLedger(wharf.url, ledger, options.gcGrace === undefined);
      problems.push(...check.lost.slice(0, 5), ...check.partial.slice(0, 5));
      const serverErrors = /"level":(50|60)[^\n]*/g.exec(server.output());
      if (serverErrors) problems.push(`server logged: ${serverErrors[0].slice(0, 300)}`);
      const row: CrashRound = {
        round,
        started,
        killedAfter: killAt,
        ackedTotal: ledger.blobs.length + ledger.manifests.length,
        lost: check.lost.length,
        partial: check.partial.length,
        integrity,
        gcRuns,
        gcFailures,
        gcDeletedBlobs,
        checkedManifests: check.checkedManifests,
        checkedBlobs: check.checkedBlobs,
        problems,
      };
      rounds.push(row);
      options.log(
        `round ${round}: started ${started}, acked total ${row.ackedTotal}, lost ${row.lost}, partial ${row.partial}, integrity ${integrity}${options.gcGrace ? `, gc runs ${gcRuns} deleting ${gcDeletedBlobs} blobs` : ""}${problems.length ? `\n  ${problems.join("\n  ")}` : ""}`,
      );
    }
  } finally {
    await wharf.stop();
    await removeDataDir(dataDir);
  }
  return { rounds, counts: ledger.counts };
}
