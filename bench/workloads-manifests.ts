/**
 * @module
 * Manifest workloads: 200 PUTs of distinct OCI image manifests (one shared
 * config and layer, a different annotation each) to distinct tags at
 * concurrency 8, then GETs by tag at concurrency 32 for a fixed time.
 */
import type { SmallBlob } from "./fixtures.ts";
import { runFor, runPool, timed } from "./pool.ts";
import { getManifest, OCI_MANIFEST, pushMonolithic, putManifest } from "./registry-ops.ts";
import type { WorkloadContext } from "./workloads-blobs.ts";

const APP_REPO = "bench/app";
/** The repositories these workloads push to and pull from. */
export const MANIFEST_REPOSITORIES: readonly string[] = [APP_REPO];
export const MANIFEST_COUNT = 200;
const PUT_CONCURRENCY = 8;
const GET_CONCURRENCY = 32;

function tagOf(index: number): string {
  return `v1.0.${index}`;
}

function descriptor(mediaType: string, blob: SmallBlob) {
  return { mediaType, digest: blob.digest, size: blob.data.length };
}

function manifestBody(config: SmallBlob, layer: SmallBlob, index: number): Buffer {
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: descriptor("application/vnd.oci.image.config.v1+json", config),
    layers: [descriptor("application/vnd.oci.image.layer.v1.tar+gzip", layer)],
    annotations: { "org.opencontainers.image.version": tagOf(index) },
  };
  return Buffer.from(JSON.stringify(manifest));
}

async function pushSmall(ctx: WorkloadContext, blob: SmallBlob): Promise<void> {
  const source = { digest: blob.digest, size: blob.data.length, open: () => blob.data };
  await pushMonolithic(ctx.client, APP_REPO, source);
}

/** Pushes the config and layer (not timed), then times 200 manifest PUTs; PUT/s. */
export async function manifestPuts(ctx: WorkloadContext): Promise<number> {
  const { manifestConfig, manifestLayer } = ctx.fixtures;
  await pushSmall(ctx, manifestConfig);
  await pushSmall(ctx, manifestLayer);
  const bodies = Array.from({ length: MANIFEST_COUNT }, (_, index) =>
    manifestBody(manifestConfig, manifestLayer, index),
  );
  const seconds = await timed(() =>
    runPool(MANIFEST_COUNT, PUT_CONCURRENCY, (index) =>
      putManifest(ctx.client, APP_REPO, tagOf(index), bodies[index]!),
    ),
  );
  return MANIFEST_COUNT / seconds;
}

/** GETs by tag (cycling through the 200 tags) for `durationMs`; requests/s. */
export async function manifestGets(ctx: WorkloadContext, durationMs: number): Promise<number> {
  const { count, seconds } = await runFor(durationMs, GET_CONCURRENCY, async (index) => {
    await getManifest(ctx.client, APP_REPO, tagOf(index % MANIFEST_COUNT));
  });
  return count / seconds;
}
