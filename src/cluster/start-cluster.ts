/**
 * @module
 * `server.workers` > 1: this process becomes the primary of a `node:cluster`.
 * It checks the address (a port of 0 becomes a concrete free port, so every
 * worker and every restarted worker shares one), holds the data directory,
 * migrates the database, creates keys and the administrator, runs the
 * background jobs once (startServer with the `primary` role), and then forks
 * the workers, which each bind the port with SO_REUSEPORT and serve (the
 * kernel spreads connections; no connection passes through the primary). It hands out the
 * cross-process locks of upload sessions, GC runs and proxy downloads (primary-lock-table.ts;
 * its own scheduled GC takes them from the same table), answers for the whole server
 * what workers share (worker-shared.ts: `/metrics` summed over every process,
 * the connection counts behind the caps, remembered passwords, pull webhook counts,
 * buffered audit events written before a read, the upload quotas from its own keeper,
 * when each proxied tag was last checked upstream), forwards
 * SIGHUP (TLS reload), restarts a worker that dies (at once after a long
 * life, with a growing pause when workers die young), and on close stops the
 * workers with SIGTERM (each drains its requests) before closing its own parts.
 */
import cluster, { type Worker } from "node:cluster";
import { createServer } from "node:net";
import { createLocalPasswordMemo } from "../accounts/password-memo.ts";
import type { Config } from "../config/config-schema.ts";
import type { Logger } from "../log/create-logger.ts";
import { TagFreshness } from "../proxy/tag-freshness.ts";
import { type PulledManifest, type RunningServer, startServer } from "../server.ts";
import { type ClusterCalls, createClusterCalls } from "./cluster-calls.ts";
import { createConnectionTable } from "./connection-table.ts";
import { isClusterMessage, type LockGrant, type WorkerListening } from "./lock-messages.ts";
import { createPrimaryLockTable } from "./primary-lock-table.ts";
import { sumExpositions } from "./sum-expositions.ts";
import { uploadQuotaHandlers } from "./upload-quota-calls.ts";
import { createWorkerMutex } from "./worker-mutex.ts";
import { flushAuditTopic, primaryTopics, type RememberNote, renderTopic, type TagNote } from "./worker-shared.ts";

/** A worker that lived shorter than this died young: the next restart waits. */
const youngMs = 10_000;
const maxPauseMs = 30_000;

/** `listen` with a port of 0 replaced by a port free right now. */
async function concreteListen(listen: string): Promise<string> {
  const at = listen.lastIndexOf(":");
  if (Number(listen.slice(at + 1)) !== 0) return listen;
  const host = listen.slice(0, at).replace(/^\[|\]$/g, "") || "0.0.0.0";
  const probe = createServer();
  const port = await new Promise<number>((resolve, reject) => {
    probe.once("error", reject);
    probe.listen({ port: 0, host, exclusive: true }, () => resolve((probe.address() as { port: number }).port));
  });
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `${listen.slice(0, at)}:${port}`;
}

/** Starts the primary and `workers` workers; resolves once every worker listens. */
export async function startCluster(config: Config, log: Logger, workers: number): Promise<RunningServer> {
  const listen = await concreteListen(config.listen);
  // The primary takes locks from its own table as "worker" 0 (cluster ids start at 1).
  let grantToPrimary: (message: LockGrant) => void = () => {};
  const locks = createPrimaryLockTable((worker, id) =>
    worker === 0 ? grantToPrimary({ wharf: "granted", id }) : cluster.workers?.[worker]?.send({ wharf: "granted", id }),
  );
  const exclusive = createWorkerMutex({
    send: (message) =>
      queueMicrotask(() =>
        message.wharf === "lock" ? locks.request(0, message.id, message.key) : locks.release(0, message.id),
      ),
    on: (_event, listener) => {
      grantToPrimary = listener;
    },
  });
  // Workers are forked first and load their code while the primary starts; each waits
  // (primaryTopics.start) until the primary has migrated, made the keys and the administrator.
  let primary: RunningServer | undefined;
  let primaryStarted!: () => void;
  let primaryFailed!: (error: unknown) => void;
  const started = new Promise<void>((resolve, reject) => {
    primaryStarted = resolve;
    primaryFailed = reject;
  });
  started.catch(() => undefined);
  // What the workers share through the primary (worker-shared.ts): metrics, connection counts, passwords.
  const calls = new Map<number, ClusterCalls>();
  const connections = createConnectionTable(config.limits);
  const passwords = createLocalPasswordMemo();
  const tags = new TagFreshness(config.proxy.tagTtl);
  const tag = (body: unknown) => body as TagNote;
  // Workers ask only once `start` answered, so the primary's keeper exists by then.
  const uploadQuota = uploadQuotaHandlers(() => {
    if (!primary?.uploadQuota) throw new Error("the primary has not started");
    return primary.uploadQuota;
  });
  const serverMetrics = async (): Promise<string> => {
    const own = primary?.metrics?.() ?? "";
    const workers = await Promise.all([...calls.values()].map((c) => c.ask(renderTopic).then(String, () => "")));
    const processes = `# HELP wharf_processes Processes of this server (the primary and its workers)\n# TYPE wharf_processes gauge\nwharf_processes ${1 + calls.size}\n`;
    return sumExpositions([own, ...workers, processes]);
  };
  let stopping = false;
  let youngDeaths = 0;
  const bornAt = new Map<number, number>();

  cluster.setupPrimary({ args: [...process.argv.slice(2), "--listen", listen] });
  cluster.on("message", (worker: Worker, message: unknown) => {
    if (!isClusterMessage(message)) return;
    if (message.wharf === "lock") locks.request(worker.id, message.id, message.key);
    else if (message.wharf === "unlock") locks.release(worker.id, message.id);
  });

  function fork(): Promise<WorkerListening> {
    const worker = cluster.fork();
    bornAt.set(worker.id, Date.now());
    const id = worker.id;
    calls.set(
      id,
      createClusterCalls(worker, {
        [primaryTopics.start]: () => started,
        [primaryTopics.metrics]: serverMetrics,
        [primaryTopics.pulled]: (pull) => primary?.pulled?.(pull as PulledManifest),
        [primaryTopics.flushAudits]: async () => {
          await Promise.all([
            primary?.flushAudit?.(),
            ...[...calls.values()].map((c) => c.ask(flushAuditTopic).catch(() => undefined)),
          ]);
        },
        [primaryTopics.admit]: (address) => connections.admit(id, String(address)),
        [primaryTopics.release]: (address) => connections.release(id, String(address)),
        [primaryTopics.recall]: (key) => passwords.get(String(key)),
        [primaryTopics.remember]: (note) => passwords.set((note as RememberNote).key, (note as RememberNote).entry),
        ...uploadQuota,
        [primaryTopics.tagCheck]: (b) => tags.check(tag(b).repository, tag(b).tag, tag(b).digest, tag(b).now),
        [primaryTopics.tagConfirm]: (b) => tags.confirm(tag(b).repository, tag(b).tag, tag(b).digest, tag(b).now),
        [primaryTopics.tagStale]: (b) =>
          tags.servedStale(tag(b).repository, tag(b).tag, tag(b).digest, tag(b).reason ?? "", tag(b).now),
      }),
    );
    return new Promise((ready, failed) => {
      worker.on("message", (message: unknown) => {
        if (!isClusterMessage(message) || message.wharf !== "listening") return;
        log.info({ worker: worker.id, workerPid: worker.process.pid }, "worker ready");
        ready(message);
      });
      worker.once("exit", (code, signal) =>
        failed(new Error(`worker ${worker.id} exited (${signal ?? `code ${code}`}) before it listened`)),
      );
    });
  }

  const stopWorkers = async (graceMs: number) => {
    const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
    const exited = alive.map((w) => new Promise<void>((done) => (w.isDead() ? done() : w.once("exit", () => done()))));
    for (const w of alive) w.process.kill("SIGTERM");
    const force = setTimeout(() => {
      for (const w of alive) if (!w.isDead()) w.process.kill("SIGKILL");
    }, graceMs + 5_000);
    await Promise.all(exited);
    clearTimeout(force);
  };

  const forks = Array.from({ length: workers }, fork);
  for (const forked of forks) forked.catch(() => undefined);
  try {
    primary = await startServer({ ...config, listen }, log, {}, { kind: "primary", exclusive });
    primaryStarted();
  } catch (error) {
    primaryFailed(error);
    stopping = true;
    await stopWorkers(1_000);
    throw error;
  }
  const running = primary;
  let first: WorkerListening;
  try {
    [first] = (await Promise.all(forks)) as [WorkerListening];
  } catch (error) {
    stopping = true;
    await stopWorkers(1_000);
    await running.close();
    throw error;
  }

  cluster.on("exit", (worker: Worker, code: number | null, signal: string | null) => {
    locks.forget(worker.id);
    connections.forget(worker.id);
    calls.get(worker.id)?.close(`worker ${worker.id} exited`);
    calls.delete(worker.id);
    const lived = Date.now() - (bornAt.get(worker.id) ?? 0);
    bornAt.delete(worker.id);
    if (stopping) return;
    youngDeaths = lived < youngMs ? youngDeaths + 1 : 0;
    const pauseMs = youngDeaths === 0 ? 0 : Math.min(maxPauseMs, 500 * 2 ** youngDeaths);
    log.error(
      { worker: worker.id, workerPid: worker.process.pid, code, signal, restartInMs: pauseMs },
      "a worker died; starting another",
    );
    setTimeout(() => {
      // A failed start exits, and this handler schedules the next attempt.
      if (!stopping) fork().catch((error: unknown) => log.error({ err: error }, "a restarted worker failed to start"));
    }, pauseMs).unref();
  });

  const onHangup = () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill("SIGHUP");
  };
  process.on("SIGHUP", onHangup);
  log.info({ workers, listen }, "serving with workers");

  return {
    url: first.url,
    address: first.address,
    async close(graceMs = 30_000) {
      stopping = true;
      process.off("SIGHUP", onHangup);
      await stopWorkers(graceMs);
      await running.close(graceMs);
    },
  };
}
