/**
 * The collector's races, step by step, on the real SQLite metadata and the
 * storage backends of the driver matrix (filesystem, S3) with a test-owned clock: a claim and a push's
 * reservation exclude each other; a manifest PUT that lost its blob to the
 * collector is refused instead of stored; a blob reserved (upload in
 * progress) or recently linked is never swept; claims left by a crashed run
 * are finished by the next one; shared layers stay while one repository
 * still needs them.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Kysely } from "kysely";
import { configSchema } from "../config/config-schema.ts";
import { parseDigest } from "../digest/digest.ts";
import { createLogger } from "../log/create-logger.ts";
import type { Database } from "../metadata/database-schema.ts";
import { createGcMetadata } from "../metadata/kysely-gc-metadata.ts";
import { createRegistryMetadata } from "../metadata/kysely-registry-metadata.ts";
import { openDatabase } from "../metadata/open-database.ts";
import { createKeyedMutex, type KeyedMutex } from "../registry/keyed-mutex.ts";
import { blobDataPath } from "../storage/blob-paths.ts";
import { createFilesystemDriver } from "../storage/filesystem-driver.ts";
import type { StorageDriver } from "../storage/storage-driver.ts";
import { storageBackends } from "../storage/testing/storage-backends.ts";
import { createGarbageCollector } from "./create-garbage-collector.ts";

const hour = 3_600_000;
let now = Date.parse("2031-05-01T00:00:00Z");
const clock = () => now;
let dir: string;
let db: Kysely<Database>;

function digestOf(n: number): string {
  return `sha256:${n.toString(16).padStart(64, "0")}`;
}

function imageManifest(config: string, layers: string[]): { digest: string; body: Uint8Array } {
  const body = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: config, size: 1 },
      layers: layers.map((digest) => ({ mediaType: "application/vnd.oci.image.layer.v1.tar", digest, size: 1 })),
    }),
  );
  return { digest: digestOf(body.length * 7919), body };
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "wharf-gc-unit-"));
  db = await openDatabase(configSchema.parse({ dataDir: dir }));
});

after(async () => {
  await db?.destroy();
  await rm(dir, { recursive: true, force: true });
});

test("claims and pushes exclude each other; a manifest that lost its blob is refused, not stored", async () => {
  const registry = createRegistryMetadata(db, clock);
  const gc = createGcMetadata(db);
  const blob = digestOf(1);
  await registry.linkBlob("race/app", blob, 1);
  assert.equal(await registry.unlinkBlob("race/app", blob), true);
  now += 2 * hour;
  const cutoff = now - hour;
  const claimed = await gc.claimBlobs([blob], cutoff, now);
  assert.deepEqual(
    claimed.map((b) => b.digest),
    [blob],
  );
  assert.equal(await registry.reserveBlob(blob, 1), false, "a push waits while the collector deletes the file");
  assert.equal(await registry.linkBlob("race/app", blob, 1), false);
  assert.equal(await registry.storedBlob(blob), undefined, "a claimed blob is not mountable");
  await gc.forgetBlobs([blob]);
  assert.equal(await registry.reserveBlob(blob, 1), true, "after the delete the push writes the blob afresh");
  assert.deepEqual(await gc.claimBlobs([blob], cutoff, now), [], "a just reserved blob is not claimed");

  // A manifest PUT checks and touches its references inside its own transaction.
  const layer = digestOf(2);
  await registry.linkBlob("race/app", layer, 1);
  now += 2 * hour;
  assert.equal(await gc.deleteLinks(1, [layer], now - hour), 1);
  const manifest = imageManifest(layer, [layer]);
  const missing = await registry.putManifest(
    "race/app",
    {
      digest: manifest.digest,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      size: 1,
      content: manifest.body,
    },
    "1",
    { blobs: [layer], manifests: [] },
  );
  assert.deepEqual(missing, [layer]);
  assert.equal(await registry.getManifest("race/app", "1"), undefined);
});

for (const backend of storageBackends) {
  test(`a run keeps shared, reserved and recent blobs, deletes the rest, and finishes a crashed run's claims (${backend.name})`, async (t) => {
    const why = backend.unavailable();
    if (why) return t.skip(why);
    await backend.setup?.();
    const fixture = await backend.create();
    const own = await mkdtemp(join(tmpdir(), "wharf-gc-unit-"));
    const ownDb = await openDatabase(configSchema.parse({ dataDir: own }));
    try {
      await keepsAndSweeps(ownDb, fixture.driver);
    } finally {
      await ownDb.destroy();
      await fixture.cleanup();
      await backend.teardown?.();
      await rm(own, { recursive: true, force: true });
    }
  });
}

async function keepsAndSweeps(database: Kysely<Database>, d: StorageDriver): Promise<void> {
  const registry = createRegistryMetadata(database, clock);
  const gcMetadata = createGcMetadata(database);
  const collector = createGarbageCollector({
    metadata: gcMetadata,
    driver: d,
    log: createLogger("silent"),
    settings: { graceMs: hour, untaggedGraceMs: undefined },
    now: clock,
  });
  const [shared, onlyOld, reserved, crashed] = [digestOf(10), digestOf(11), digestOf(12), digestOf(13)];
  for (const digest of [shared, onlyOld, reserved, crashed]) {
    await d.putContent(blobDataPath(parseDigest(digest)), Buffer.from("x"));
  }
  await registry.linkBlob("keep/app", shared, 1);
  await registry.linkBlob("gone/app", shared, 1);
  await registry.linkBlob("gone/app", onlyOld, 1);
  await registry.linkBlob("gone/app", crashed, 1);
  const kept = imageManifest(shared, [shared]);
  const stored = await registry.putManifest(
    "keep/app",
    { digest: kept.digest, mediaType: "application/vnd.oci.image.manifest.v1+json", size: 1, content: kept.body },
    "1",
    { blobs: [shared], manifests: [] },
  );
  assert.deepEqual(stored, []);
  await registry.deleteRepository("gone/app");
  now += 2 * hour;
  // A crashed run claimed `crashed` and died before deleting its file.
  assert.equal((await gcMetadata.claimBlobs([crashed], now - hour, now)).length, 1);
  // An upload in progress reserved `reserved` just now (its file is being moved in).
  assert.equal(await registry.reserveBlob(reserved, 1), true);

  const dry = await collector.run({ dryRun: true });
  assert.deepEqual(
    dry.deletedBlobs.map((b) => b.digest),
    [onlyOld],
  );
  const report = await collector.run();
  assert.equal(report.resumed, 1);
  assert.deepEqual(
    report.deletedBlobs.map((b) => b.digest),
    [onlyOld],
  );
  assert.equal(await d.stat(blobDataPath(parseDigest(onlyOld))), undefined);
  assert.equal(await d.stat(blobDataPath(parseDigest(crashed))), undefined);
  assert.ok(await d.stat(blobDataPath(parseDigest(shared))));
  assert.ok(await d.stat(blobDataPath(parseDigest(reserved))));
  assert.deepEqual(await registry.linkedBlob("keep/app", shared), { size: 1 });
  assert.equal((await collector.run({ dryRun: true })).blobs, 0);
}

test("with a shared mutex (server.workers), runs of two processes' collectors never overlap", async () => {
  const base = createKeyedMutex();
  const events: string[] = [];
  const exclusive: KeyedMutex = (key, task) =>
    base(key, async () => {
      events.push(`start ${key}`);
      try {
        return await task();
      } finally {
        events.push(`end ${key}`);
      }
    });
  const collector = () =>
    createGarbageCollector({
      metadata: createGcMetadata(db),
      driver: createFilesystemDriver(join(dir, "shared-mutex-blobs")),
      log: createLogger("silent"),
      settings: { graceMs: hour, untaggedGraceMs: undefined },
      now: clock,
      exclusive,
    });
  const [first, second] = await Promise.all([collector().run(), collector().run()]);
  assert.equal(typeof first.blobs, "number");
  assert.equal(typeof second.blobs, "number");
  assert.deepEqual(events, ["start gc", "end gc", "start gc", "end gc"]);
});
