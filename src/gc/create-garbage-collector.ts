/**
 * @module
 * Online garbage collection: runs while pushes and pulls go on.
 *
 * Why a push is never broken (the race-freedom argument). Every row the
 * collector may delete carries `last_referenced_at`, raised by the push
 * path in the same transaction that relies on the row: a blob upload
 * reserves the blob row before moving the file and links it after
 * (registry/commit-blob.ts); a mount relinks; a manifest PUT raises every
 * link and child manifest it references and fails cleanly
 * (MANIFEST_BLOB_UNKNOWN) if one is gone. The collector takes `now` once,
 * then reads, and deletes a row only with a statement that rechecks, in
 * itself, that the row was last referenced before `now - grace` (and, for a
 * blob, that nothing links it). The UPDATE/DELETE row locks order each push
 * and each delete: either the push came first (the row is fresh: kept), or
 * the delete did (the push sees the row missing and refuses or re-uploads).
 * A blob file is deleted only after its row was claimed (`deleting_at`); a
 * push that meets a claim waits for the file delete to finish and writes
 * the file again. So a blob uploaded during a run, or one whose manifest
 * has not arrived yet, is younger than the grace window and stays (and so
 * does every such blob a `wharf backup` snapshot lists; garbage it lists may
 * go, which the backup reports as a missing blob — see the README).
 *
 * Pins (gc-pins.ts): manifests a release pins are kept like tagged ones,
 * and blobs of a cached release bundle are never swept.
 *
 * Crash safety: each step is idempotent, and claims left by a crashed run
 * are finished first by the next one. Deletes go in batches (500 rows, a
 * few files at a time), so a run finishes on object storage too.
 */
import { parseDigest } from "../digest/digest.ts";
import type { Logger } from "../log/create-logger.ts";
import type { GcBlob, GcMetadata, GcRelease, GcRepository } from "../metadata/gc-metadata.ts";
import type { KeyedMutex } from "../registry/keyed-mutex.ts";
import { blobDataPath } from "../storage/blob-paths.ts";
import type { StorageDriver } from "../storage/storage-driver.ts";
import { GcError } from "./gc-error.ts";
import { readGcPins } from "./gc-pins.ts";
import { planManifests, unneededLinks } from "./plan-repository.ts";
import { type ExpiredTag, expiredTags, type RetentionRule, ruleFor } from "./retention.ts";

const batch = 500;
const fileConcurrency = 8;
/** How many items a report lists by name (counts and bytes are always complete). */
const listed = 1000;

/** A counter the collector increases (the metrics set provides it). */
export interface GcCounter {
  inc(labels: Readonly<Record<string, string>>, by?: number): void;
}

/** The collector's counters: runs by mode, and what was deleted by kind. */
export interface GcMetrics {
  readonly runs: GcCounter;
  readonly deleted: GcCounter;
  readonly bytes: GcCounter;
}

/** What a run did (or, in a dry run, would do). */
export interface GcReport {
  readonly dryRun: boolean;
  readonly graceMs: number;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly repositories: number;
  /** Tags deleted by retention rules. */
  readonly tags: number;
  readonly manifests: number;
  readonly links: number;
  readonly blobs: number;
  readonly bytes: number;
  /** Blobs claimed by a crashed run and finished by this one. */
  readonly resumed: number;
  /** The first deleted blobs and manifests, by name. */
  readonly deletedBlobs: readonly { digest: string; size: number }[];
  readonly deletedManifests: readonly { repository: string; digest: string }[];
  /** With the reason retention let each go. */
  readonly deletedTags: readonly { repository: string; tag: string; reason: string }[];
}

/** Settings of the collector (`gc.*`). */
export interface GcSettings {
  readonly graceMs: number;
  /** Untagged manifests last referenced longer ago than this go; undefined keeps them. */
  readonly untaggedGraceMs: number | undefined;
  /** Tag retention rules (`gc.retention`), first match wins. */
  readonly retention?: readonly RetentionRule[];
  /** Answers whether a tag is immutable (then retention keeps it). */
  readonly immutable?: (repository: string, tag: string) => unknown;
}

/** Dependencies of the collector. */
export interface GcDeps {
  readonly metadata: GcMetadata;
  readonly driver: StorageDriver;
  readonly log: Logger;
  readonly settings: GcSettings;
  readonly now?: () => number;
  readonly metrics?: GcMetrics;
  /** True for repositories that are a cache kept whole (the proxy's `proxy/…` names). */
  readonly isCache?: (name: string) => boolean;
  /** Told every finished run's report (webhooks' `gc.finished`); must not throw. */
  readonly onReport?: (report: GcReport) => void;
  /** Runs before each collection reads (writes buffered tag pull times). */
  readonly beforeRun?: () => Promise<void>;
  /** The data directory whose `release-bundles/` cache pins blobs (gc-pins.ts); undefined: none. */
  readonly dataDir?: string;
  /** Serializes runs across the processes of one server (`server.workers`): a run waits for another's end. */
  readonly exclusive?: KeyedMutex;
}

/** The collector. */
export type GarbageCollector = ReturnType<typeof createGarbageCollector>;

const nothing: GcCounter = { inc: () => undefined };

/** Creates the collector; see the module comment. */
export function createGarbageCollector(deps: GcDeps) {
  const { metadata, driver, log, settings } = deps;
  const now = deps.now ?? Date.now;
  const metrics = deps.metrics ?? { runs: nothing, deleted: nothing, bytes: nothing };
  const isCache = deps.isCache ?? ((name: string) => name.startsWith("proxy/"));
  let running: Promise<GcReport> | undefined;

  async function deleteFiles(blobs: readonly GcBlob[]): Promise<void> {
    for (let at = 0; at < blobs.length; at += fileConcurrency) {
      const part = blobs.slice(at, at + fileConcurrency);
      await Promise.all(part.map((b) => driver.delete(blobDataPath(parseDigest(b.digest, "blob digest")))));
    }
  }

  async function finishClaims(): Promise<number> {
    let finished = 0;
    for (;;) {
      const claimed = await metadata.claimedBlobs(batch);
      if (claimed.length === 0) return finished;
      await deleteFiles(claimed);
      await metadata.forgetBlobs(claimed.map((b) => b.digest));
      finished += claimed.length;
    }
  }

  async function allReleases(): Promise<GcRelease[]> {
    const out: GcRelease[] = [];
    for (let after = 0; ; ) {
      const page = await metadata.releases(after, batch);
      if (page.length === 0) return out;
      out.push(...page);
      after = page.at(-1)!.id;
    }
  }

  async function collect(dryRun: boolean, graceMs: number): Promise<GcReport> {
    const started = now();
    const cutoff = started - graceMs;
    const untaggedCutoff = settings.untaggedGraceMs === undefined ? undefined : started - settings.untaggedGraceMs;
    const totals = { repositories: 0, tags: 0, manifests: 0, links: 0, blobs: 0, bytes: 0 };
    const deletedTags: { repository: string; tag: string; reason: string }[] = [];
    const deletedBlobs: { digest: string; size: number }[] = [];
    const deletedManifests: { repository: string; digest: string }[] = [];
    const removedLinks = new Map<string, number>();
    await deps.beforeRun?.();
    const resumed = dryRun ? 0 : await finishClaims();
    const pins = await readGcPins({
      releases: allReleases,
      ...(deps.dataDir !== undefined && { dataDir: deps.dataDir }),
    });
    log.info({ dryRun, graceMs, resumed }, "gc: started");

    async function sweepRepository(repo: GcRepository): Promise<void> {
      const keepAll = isCache(repo.name);
      let { manifests, tags } = await metadata.contents(repo.id);
      const rule = keepAll ? undefined : ruleFor(repo.name, settings.retention ?? []);
      const expired: ExpiredTag[] = [];
      for (const t of expiredTags(tags, rule, started)) {
        if (!(await settings.immutable?.(repo.name, t.name))) expired.push(t);
      }
      for (const t of expired.slice(0, Math.max(0, listed - deletedTags.length))) {
        deletedTags.push({ repository: repo.name, tag: t.name, reason: t.reason });
      }
      if (expired.length > 0) {
        totals.tags += dryRun ? expired.length : await metadata.deleteTags(repo.id, expired);
        if (dryRun) {
          const gone = new Set(expired.map((t) => t.name));
          tags = tags.filter((t) => !gone.has(t.name));
        } else ({ manifests, tags } = await metadata.contents(repo.id));
      }
      const ruleCutoff = rule?.untaggedAfter === undefined ? untaggedCutoff : started - rule.untaggedAfter;
      const pinned = pins.manifests.get(repo.name);
      const doomed = planManifests({ manifests, tags, untaggedCutoff: ruleCutoff, keepAll, ...(pinned && { pinned }) });
      for (const m of doomed.slice(0, Math.max(0, listed - deletedManifests.length))) {
        deletedManifests.push({ repository: repo.name, digest: m.digest });
      }
      if (dryRun) {
        const gone = new Set(doomed.map((m) => m.digest));
        manifests = manifests.filter((m) => !gone.has(m.digest));
        totals.manifests += doomed.length;
      } else if (doomed.length > 0) {
        totals.manifests += await metadata.deleteManifests(
          repo.id,
          doomed.map((m) => m.digest),
          ruleCutoff!,
        );
        manifests = (await metadata.contents(repo.id)).manifests;
      }
      const links = unneededLinks(manifests, await metadata.links(repo.id), cutoff, keepAll);
      if (dryRun) {
        totals.links += links.length;
        for (const digest of links) removedLinks.set(digest, (removedLinks.get(digest) ?? 0) + 1);
      } else if (links.length > 0) {
        totals.links += await metadata.deleteLinks(repo.id, links, cutoff);
      }
    }

    for (let after = 0; ; ) {
      const page = await metadata.repositories(after, batch);
      if (page.length === 0) break;
      for (const repo of page) {
        await sweepRepository(repo);
        totals.repositories++;
      }
      after = page.at(-1)!.id;
      log.info({ dryRun, ...totals }, "gc: repositories marked");
    }

    for (let after = ""; ; ) {
      const page = await metadata.staleBlobs(cutoff, after, batch);
      if (page.length === 0) break;
      after = page.at(-1)!.digest;
      const unlinked = page.filter(
        (b) => !pins.blobs.has(b.digest) && b.links === (dryRun ? (removedLinks.get(b.digest) ?? 0) : 0),
      );
      const gone = dryRun
        ? unlinked
        : await metadata.claimBlobs(
            unlinked.map((b) => b.digest),
            cutoff,
            now(),
          );
      if (!dryRun && gone.length > 0) {
        await deleteFiles(gone);
        await metadata.forgetBlobs(gone.map((b) => b.digest));
        metrics.deleted.inc({ kind: "blob" }, gone.length);
        metrics.bytes.inc(
          {},
          gone.reduce((sum, b) => sum + b.size, 0),
        );
      }
      for (const blob of gone) {
        totals.blobs++;
        totals.bytes += blob.size;
        if (deletedBlobs.length < listed) deletedBlobs.push({ digest: blob.digest, size: blob.size });
      }
      if (gone.length > 0) log.info({ dryRun, ...totals }, "gc: blobs swept");
    }

    if (!dryRun) {
      metrics.deleted.inc({ kind: "tag" }, totals.tags);
      metrics.deleted.inc({ kind: "manifest" }, totals.manifests);
      metrics.deleted.inc({ kind: "link" }, totals.links);
    }
    metrics.runs.inc({ mode: dryRun ? "dry-run" : "run" });
    const report: GcReport = {
      dryRun,
      graceMs,
      startedAt: new Date(started).toISOString(),
      durationMs: Math.max(0, now() - started),
      ...totals,
      resumed,
      deletedBlobs,
      deletedManifests,
      deletedTags,
    };
    log.info({ ...totals, dryRun, resumed }, dryRun ? "gc: dry run finished" : "gc: finished");
    deps.onReport?.(report);
    return report;
  }

  return {
    /**
     * Runs one collection now (a dry run deletes nothing and reports what a
     * run would). `conflict` while another run is going on in this process;
     * with `exclusive` (server.workers), a run of another process is waited for.
     */
    async run(options: { dryRun?: boolean; graceMs?: number } = {}): Promise<GcReport> {
      if (running) throw new GcError("conflict", "a garbage collection is already running; wait for it to finish");
      const go = () => collect(options.dryRun ?? false, options.graceMs ?? settings.graceMs);
      running = deps.exclusive ? deps.exclusive("gc", go) : go();
      try {
        return await running;
      } finally {
        running = undefined;
      }
    },

    /** Runs a collection every `everyMs` until the returned function is called; failures are logged. */
    schedule(everyMs: number): () => void {
      const timer = setInterval(() => {
        if (running) return;
        this.run().catch((error: unknown) => log.warn({ err: error }, "gc: scheduled run failed"));
      }, everyMs).unref();
      return () => clearInterval(timer);
    },
  };
}
