/**
 * @module
 * Blob workloads: 512 MiB monolithic and chunked pushes, single and 8-way
 * concurrent pulls, 2000 small pushes at concurrency 16, and the 4 GiB push.
 * Each returns its figure (MB/s or blobs/s).
 */
import type { Client } from "./client.ts";
import { curlPull, medianCurlPull } from "./curl-pull.ts";
import { CHUNK_SIZE, type Fixtures, SMALL_BLOB_COUNT } from "./fixtures.ts";
import { mbPerSecond } from "./limits.ts";
import { runPool, timed } from "./pool.ts";
import { pullBlob, pushChunked, pushMonolithic } from "./registry-ops.ts";

/** What every workload gets: the client for one registry and the shared data. */
export interface WorkloadContext {
  readonly client: Client;
  readonly fixtures: Fixtures;
}

const BIG_REPO = "bench/big";
const SMALL_REPO = "bench/small";
/** The repositories these workloads push to and pull from. */
export const BLOB_REPOSITORIES: readonly string[] = [BIG_REPO, SMALL_REPO];
const SMALL_CONCURRENCY = 16;

export async function monolithicPush(ctx: WorkloadContext): Promise<number> {
  const blob = ctx.fixtures.monolithic;
  const seconds = await timed(() => pushMonolithic(ctx.client, BIG_REPO, blob));
  return mbPerSecond(blob.size, seconds);
}

export async function chunkedPush(ctx: WorkloadContext): Promise<number> {
  const blob = ctx.fixtures.chunked;
  const seconds = await timed(() => pushChunked(ctx.client, BIG_REPO, blob, CHUNK_SIZE));
  return mbPerSecond(blob.size, seconds);
}

/** `concurrency` simultaneous GETs of the monolithic blob; aggregate MB/s. */
export async function pull(ctx: WorkloadContext, concurrency: number): Promise<number> {
  const { digest, size } = ctx.fixtures.monolithic;
  const seconds = await timed(() =>
    runPool(concurrency, concurrency, async () => {
      await pullBlob(ctx.client, BIG_REPO, digest, size);
    }),
  );
  return mbPerSecond(size * concurrency, seconds);
}

/** The median of `rounds` runs of `pull(ctx, concurrency)` (one pull alone is noisy). */
export async function medianPull(ctx: WorkloadContext, concurrency: number, rounds: number) {
  const figures: number[] = [];
  for (let round = 0; round < rounds; round++) figures.push(await pull(ctx, concurrency));
  figures.sort((a, b) => a - b);
  return figures[Math.floor(figures.length / 2)]!;
}

/** `concurrency` simultaneous `curl` pulls of the monolithic blob (median of `rounds`); aggregate MB/s. */
export async function curlPulls(ctx: WorkloadContext, concurrency: number, rounds: number): Promise<number> {
  const { digest, size } = ctx.fixtures.monolithic;
  const url = new URL(`/v2/${BIG_REPO}/blobs/${digest}`, ctx.client.base).href;
  if (rounds === 1) return curlPull(url, ctx.client.headers, size, concurrency);
  return medianCurlPull(url, ctx.client.headers, size, concurrency, rounds);
}

/** 2000 distinct 4 KiB blobs, POST+PUT each, 16 in flight; blobs/s. */
export async function smallPushes(ctx: WorkloadContext): Promise<number> {
  const blobs = ctx.fixtures.small;
  const seconds = await timed(() =>
    runPool(blobs.length, SMALL_CONCURRENCY, async (index) => {
      const blob = blobs[index]!;
      await pushMonolithic(ctx.client, SMALL_REPO, {
        digest: blob.digest,
        size: blob.data.length,
        open: () => blob.data,
      });
    }),
  );
  return SMALL_BLOB_COUNT / seconds;
}

/** The 4 GiB generated blob, monolithic; MB/s (the RSS around it is what matters). */
export async function hugePush(ctx: WorkloadContext): Promise<number> {
  const blob = ctx.fixtures.huge;
  if (blob === undefined) throw new Error("no 4 GiB fixture (quick mode)");
  const seconds = await timed(() => pushMonolithic(ctx.client, BIG_REPO, blob));
  return mbPerSecond(blob.size, seconds);
}
