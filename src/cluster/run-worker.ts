/**
 * @module
 * A cluster worker of `wharf serve` (cluster/start-cluster.ts): serves on
 * the port its primary shares, with upload sessions locked through the
 * primary and metrics, connection counts, remembered passwords and upload
 * quotas shared through it (worker-shared.ts), and tells the primary once it listens. SIGTERM (sent by the
 * primary) drains in-flight requests and exits; SIGINT is left to the
 * primary (Ctrl-C reaches every process of the group). When the primary
 * dies, Node ends the worker as the IPC channel closes.
 */
import cluster from "node:cluster";
import type { Config } from "../config/config-schema.ts";
import type { Logger } from "../log/create-logger.ts";
import { type RunningServer, startServer } from "../server.ts";
import { type CallChannel, createClusterCalls } from "./cluster-calls.ts";
import type { WorkerListening } from "./lock-messages.ts";
import { createWorkerMutex, type WorkerChannel } from "./worker-mutex.ts";
import { flushAuditTopic, primaryTopics, renderTopic, workerShared } from "./worker-shared.ts";

/** Starts serving in this worker process; resolves once the primary was told. */
export async function runWorker(config: Config, log: Logger): Promise<void> {
  const workerLog = log.child({ worker: cluster.worker?.id });
  const exclusive = createWorkerMutex(process as unknown as WorkerChannel);
  let running: RunningServer | undefined;
  const calls = createClusterCalls(process as unknown as CallChannel, {
    [renderTopic]: () => running?.metrics?.() ?? "",
    [flushAuditTopic]: () => running?.flushAudit?.(),
  });
  // Forked while the primary starts: serve once it has migrated the database and made the keys.
  // If it failed, it stops this worker.
  await calls.ask(primaryTopics.start).catch(() => new Promise<never>(() => {}));
  const server = await startServer(
    config,
    workerLog,
    {},
    { kind: "worker", exclusive, shared: workerShared(calls, config.limits) },
  );
  running = server;
  const listening: WorkerListening = { wharf: "listening", address: server.address, url: server.url };
  process.send?.(listening);
  let stopping = false;
  process.on("SIGTERM", () => {
    if (stopping) return;
    stopping = true;
    server.close().then(() => log.flush(() => process.exit(0)));
  });
  process.on("SIGINT", () => {});
}
