/**
 * @module
 * The scale-out rows (`--only scale`): Wharf (auth on, one Bearer token) on
 * S3 + PostgreSQL against Wharf on filesystem + SQLite for the main rows —
 * 512 MiB push and pull, 2000 × 4 KiB pushes at concurrency 16, 200 manifest
 * PUTs and manifest GETs at concurrency 32, the same workloads as the main
 * table — then on S3 + PostgreSQL two nodes against one for 8 concurrent
 * pulls and 4 KiB pushes, the clients split evenly across the two nodes'
 * ports. S3 is s3rver (a Node fake, in its own process) and PostgreSQL the
 * tests' throwaway cluster, both on 127.0.0.1 and stopped at the end.
 */
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { createTestDatabase, type TestDatabase } from "../src/metadata/testing/postgres-test-cluster.ts";
import { type Client, closeClient, createClient } from "./client.ts";
import { type Fixtures, prepareFixtures, SMALL_BLOB_COUNT, SMALL_BLOB_SIZE, smallBlobs } from "./fixtures.ts";
import { mbPerSecond, syncDisk } from "./limits.ts";
import { runPool, timed } from "./pool.ts";
import { type Managed, spawnManaged } from "./proc.ts";
import { pullBlob, pushMonolithic } from "./registry-ops.ts";
import type { Cell } from "./rows.ts";
import { type RunningServer, startWharf } from "./servers.ts";
import { message, REPOSITORIES } from "./session.ts";
import { randomPassword } from "./wharf-auth.ts";
import { medianPull, monolithicPush, smallPushes, type WorkloadContext } from "./workloads-blobs.ts";
import { manifestGets, manifestPuts } from "./workloads-manifests.ts";

/** The backend rows, measured on both configurations. */
export const BACKEND_ROWS = [
  ["push-large", "push 512 MiB blob (monolithic)", "MB/s"],
  ["pull-large", "pull 512 MiB blob (1 client, median of 3)", "MB/s"],
  ["small-blobs", "4 KiB blob pushes, concurrency 16", "blobs/s"],
  ["manifest-put", "manifest PUTs, concurrency 8", "PUT/s"],
  ["manifest-get", "manifest GETs by tag, concurrency 32", "req/s"],
] as const;

/** The node rows, measured with one and with two S3 + PostgreSQL nodes. */
export const NODE_ROWS = [
  ["pull-8", "8 concurrent pulls of the 512 MiB blob, total", "MB/s"],
  ["small-blobs", "4 KiB blob pushes, concurrency 16 (2000 new blobs)", "blobs/s"],
] as const;

type BackendRow = (typeof BACKEND_ROWS)[number][0];
type NodeRow = (typeof NODE_ROWS)[number][0];

/** Everything the scale rows measured (a failed workload is an error cell). */
export interface ScaleResults {
  readonly embedded: Map<BackendRow, Cell>;
  readonly scaleOut: Map<BackendRow, Cell>;
  readonly oneNode: Map<NodeRow, Cell>;
  readonly twoNodes: Map<NodeRow, Cell>;
  /** What stopped the session early, if anything. */
  error?: string;
}

/** Where and how to run. */
export interface ScalePlan {
  readonly root: string;
  readonly workDir: string;
  readonly quick: boolean;
  readonly signal: AbortSignal;
}

const BIG_REPO = "bench/big";
const SMALL_REPO = "bench/small";

async function measure<T extends string>(cells: Map<T, Cell>, id: T, run: () => Promise<number>): Promise<void> {
  syncDisk();
  try {
    const value = await run();
    cells.set(id, { value });
    console.log(`  scale ${id}: ${value.toFixed(1)}`);
  } catch (error) {
    cells.set(id, { error: message(error) });
    console.log(`  scale ${id}: ERROR ${message(error)}`);
  }
}

async function backendRows(ctx: WorkloadContext, quick: boolean, cells: Map<BackendRow, Cell>, signal: AbortSignal) {
  const steps: [BackendRow, () => Promise<number>][] = [
    ["push-large", () => monolithicPush(ctx)],
    ["pull-large", () => medianPull(ctx, 1, 3)],
    ["small-blobs", () => smallPushes(ctx)],
    ["manifest-put", () => manifestPuts(ctx)],
    ["manifest-get", () => manifestGets(ctx, quick ? 3000 : 10_000)],
  ];
  for (const [id, run] of steps) {
    signal.throwIfAborted();
    await measure(cells, id, run);
  }
}

/** 8 pulls of the big blob at once, pull i sent to `clients[i % n]`; total MB/s. */
async function splitPulls(clients: readonly Client[], fixtures: Fixtures): Promise<number> {
  const { digest, size } = fixtures.monolithic;
  const seconds = await timed(() =>
    runPool(8, 8, async (i) => {
      await pullBlob(clients[i % clients.length]!, BIG_REPO, digest, size);
    }),
  );
  return mbPerSecond(8 * size, seconds);
}

/** 2000 new 4 KiB blobs, 16 in flight, push i sent to `clients[i % n]`; blobs/s. */
async function splitSmallPushes(clients: readonly Client[]): Promise<number> {
  const blobs = smallBlobs(SMALL_BLOB_COUNT, SMALL_BLOB_SIZE);
  const seconds = await timed(() =>
    runPool(blobs.length, 16, async (i) => {
      const blob = blobs[i]!;
      const source = { digest: blob.digest, size: blob.data.length, open: () => blob.data };
      await pushMonolithic(clients[i % clients.length]!, SMALL_REPO, source);
    }),
  );
  return blobs.length / seconds;
}

/** Starts s3rver in its own process; resolves with it and the WHARF_STORAGE__… variables. */
async function startS3rver(root: string): Promise<{ process: Managed; env: Record<string, string> }> {
  const child = spawnManaged(process.execPath, [join(root, "bench", "s3rver-process.ts")], root);
  const env = await new Promise<Record<string, string>>((resolve, reject) => {
    child.onStdoutLine((line) => resolve((JSON.parse(line) as { env: Record<string, string> }).env));
    child.exited.then(() => reject(new Error(`s3rver ${child.exitInfo()}: ${child.outputSummary()}`)));
  });
  // A fake that dies turns every later row into 503s: say so where it happened.
  child.exited.then(() => console.log(`scale: s3rver ${child.exitInfo()}: ${child.outputSummary()}`));
  return { process: child, env };
}

/** Measures the scale rows; failures become error cells, only an abort throws. */
export async function benchScale(plan: ScalePlan): Promise<ScaleResults> {
  const results: ScaleResults = { embedded: new Map(), scaleOut: new Map(), oneNode: new Map(), twoNodes: new Map() };
  const dir = join(plan.workDir, "scale");
  await mkdir(dir, { recursive: true });
  const authPlan = { password: randomPassword(), repositories: REPOSITORIES };
  const launch = { root: plan.root, extraArgs: [], auth: true, authPlan };
  const servers: RunningServer[] = [];
  const clients: Client[] = [];
  let s3: Managed | undefined;
  let database: TestDatabase | undefined;
  const connect = (server: RunningServer) => {
    servers.push(server);
    const client = createClient(server.url, { ...server.headers });
    clients.push(client);
    return client;
  };
  try {
    console.log("scale: generating data…");
    const fixtures = await prepareFixtures(dir, false);
    console.log("scale: filesystem + SQLite (one node, auth on)");
    const embedded = await startWharf(join(dir, "embedded-data"), launch);
    await backendRows({ client: connect(embedded), fixtures }, plan.quick, results.embedded, plan.signal);
    await embedded.process.stop();
    await rm(join(dir, "embedded-data"), { recursive: true, force: true });

    console.log("scale: S3 (s3rver) + PostgreSQL (throwaway cluster), one node");
    const started = await startS3rver(plan.root);
    s3 = started.process;
    database = await createTestDatabase();
    const env = {
      ...started.env,
      WHARF_DATABASE__DRIVER: "postgres",
      WHARF_DATABASE__POSTGRES__URL: database.url,
      WHARF_MASTER_KEY: Buffer.alloc(32, 7).toString("base64"),
    };
    const nodeA = connect(await startWharf(join(dir, "node-a"), { ...launch, env }));
    await backendRows({ client: nodeA, fixtures }, plan.quick, results.scaleOut, plan.signal);
    await measure(results.oneNode, "pull-8", () => splitPulls([nodeA], fixtures));
    await measure(results.oneNode, "small-blobs", () => splitSmallPushes([nodeA]));

    plan.signal.throwIfAborted();
    console.log("scale: S3 + PostgreSQL, two nodes (clients split across both ports)");
    const nodeB = connect(await startWharf(join(dir, "node-b"), { ...launch, env }));
    await measure(results.twoNodes, "pull-8", () => splitPulls([nodeA, nodeB], fixtures));
    await measure(results.twoNodes, "small-blobs", () => splitSmallPushes([nodeA, nodeB]));
  } catch (error) {
    if (plan.signal.aborted) throw error;
    results.error = message(error);
    console.log(`scale: ERROR ${results.error}`);
  } finally {
    for (const client of clients) closeClient(client);
    for (const server of servers) await server.process.stop();
    await s3?.stop();
    await database?.drop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
  return results;
}
