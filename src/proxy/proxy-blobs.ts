/**
 * @module
 * Blobs of a proxied repository. A blob linked into the proxy repository is
 * served from storage (shared, by digest, with every other repository). An
 * unknown one is downloaded from the upstream once — concurrent requests
 * join the same {@link BlobFlight} — verified while it streams, stored and
 * linked, so the next pull is local. With workers, one worker downloads
 * and the others wait for the stored copy (joinAcross). HEAD of an uncached blob asks the
 * upstream and caches nothing.
 */
import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join as joinPath } from "node:path";
import { type Readable, Transform } from "node:stream";
import type { Digest } from "../digest/digest.ts";
import { commitBlob } from "../registry/commit-blob.ts";
import type { KeyedMutex } from "../registry/keyed-mutex.ts";
import type { OpenedBlob, RepositoryBlobs } from "../registry/repository.ts";
import { RepositoryError } from "../registry/repository-error.ts";
import type { RegistryFailure } from "../registry-client/registry-result.ts";
import { blobDataPath, uploadDataPath } from "../storage/blob-paths.ts";
import { FileReadStream } from "../storage/file-read-stream.ts";
import type { ReadRange } from "../storage/storage-driver.ts";
import { BlobFlight } from "./blob-flight.ts";
import type { ProxyShared, ProxyTarget } from "./proxy-deps.ts";
import { upstreamError } from "./upstream-failure.ts";

/** Proxy blobs of `target`. Deleting is refused: the repository mirrors its upstream. */
export function proxyBlobs(shared: ProxyShared, target: ProxyTarget): RepositoryBlobs {
  const { metadata, metrics, driver } = shared;
  const labels = { app: target.app, kind: "blob" };

  function counted(stream: Readable): Readable {
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        metrics.bytes.inc({ app: target.app }, chunk.length);
        callback(null, chunk);
      },
    });
    stream.on("error", (error) => counter.destroy(error));
    counter.on("close", () => stream.destroy());
    return stream.pipe(counter);
  }

  async function startFlight(digest: Digest): Promise<BlobFlight> {
    metrics.upstreamFetches.inc(labels);
    const download = await target.client.getBlob(target.ref, digest.value);
    if (!download.ok) throw failure(download.failure, digest);
    let size = download.value.size;
    if (size === undefined) {
      const head = await target.client.headBlob(target.ref, digest.value);
      if (!head.ok) {
        download.value.stream.destroy();
        throw failure(head.failure, digest);
      }
      size = head.value.size;
    }
    if (size > shared.maxBlobBytes) {
      download.value.stream.destroy();
      throw new RepositoryError(
        "size-invalid",
        `blob ${digest.value} is ${size} bytes upstream, more than ${shared.maxBlobBytes} bytes, the most this registry accepts (limits.maxBlobBytes); ask the operator to raise it`,
      );
    }
    const flight = await BlobFlight.start({
      size,
      download: download.value,
      ...spoolFor(digest, size),
      readStored: (range) => driver.read(blobDataPath(digest), range),
    });
    flight.stored.catch((error: unknown) =>
      shared.log.warn({ err: error, upstream: target.upstream, digest: digest.value }, "proxy: blob download failed"),
    );
    return flight;
  }

  /**
   * Where a download is spooled and how it becomes the blob. A driver with
   * local files gets it in an upload's own file, committed by moving it; a
   * remote store gets a copy of the verified spool file (in the system's
   * temporary folder) once it is complete.
   */
  function spoolFor(digest: Digest, size: number): { spool: string; commit: () => Promise<void> } {
    const temporary = uploadDataPath(target.name, randomUUID());
    const commit = () => commitBlob(driver, metadata, target.name, temporary, digest, size);
    if (driver.localPath) return { spool: driver.localPath(temporary), commit };
    const spool = joinPath(tmpdir(), `wharf-proxy-${randomUUID()}`);
    return {
      spool,
      commit: async () => {
        try {
          await driver.write(temporary, createReadStream(spool), { durable: false });
          await commit();
        } catch (error) {
          await driver.delete(temporary);
          throw error;
        } finally {
          await rm(spool, { force: true });
        }
      },
    };
  }

  function failure(upstream: RegistryFailure, digest: Digest): RepositoryError {
    shared.log.warn({ upstream: target.upstream, reason: upstream.message }, "proxy: upstream blob request failed");
    return upstreamError(upstream, "blob", `blob ${digest.value}`);
  }

  /**
   * A blob Wharf already stores for another repository (a shared base
   * layer) is linked without downloading it again — once the upstream
   * confirms this repository has it, since a digest alone grants nothing.
   */
  async function linkStored(digest: Digest): Promise<{ size: number } | undefined> {
    const stored = await metadata.storedBlob(digest.value);
    // A commit reserves the row before it moves the file in: until then there is nothing to link.
    if (!stored || !(await driver.stat(blobDataPath(digest)))) return undefined;
    metrics.upstreamFetches.inc(labels);
    const head = await target.client.headBlob(target.ref, digest.value);
    if (!head.ok || head.value.size !== stored.size) return undefined;
    // False while the garbage collector deletes the blob: then it is downloaded again.
    return (await metadata.linkBlob(target.name, digest.value, stored.size)) ? stored : undefined;
  }

  /**
   * With workers (`shared.crossProcess`): the download runs in the worker
   * that takes the digest's lock first, holding it until the blob is
   * stored; a worker that waited finds it linked and serves the stored copy.
   * Concurrent requests inside one worker share one wait, then one flight.
   */
  function joinAcross(digest: Digest, lock: KeyedMutex): Promise<BlobFlight | { size: number }> {
    const key = `${target.name}\n${digest.value}`;
    return shared.once(`proxy-blob-lock\n${key}`, () => {
      const known = shared.flights.get(key);
      if (known) return known;
      return new Promise<BlobFlight | { size: number }>((resolve, reject) => {
        lock(`proxy-blob\n${key}`, async () => {
          const linked = await metadata.linkedBlob(target.name, digest.value);
          if (linked) return resolve(linked);
          const started = join(digest);
          resolve(started);
          await (await started).stored;
        }).catch(reject);
      });
    });
  }

  /** The blob's stored file, served as any cached blob. */
  function stored(digest: Digest, size: number): OpenedBlob {
    const read = async (range?: ReadRange) => {
      const stream = await driver.read(blobDataPath(digest), range);
      // A file keeps its reused-buffer path to the socket (FileReadStream.writeTo):
      // a counting Transform in between would make every read allocate. It is
      // counted as the bytes asked for.
      if (!(stream instanceof FileReadStream)) return counted(stream);
      metrics.bytes.inc({ app: target.app }, range?.length ?? size - (range?.offset ?? 0));
      return stream;
    };
    return { size, read };
  }

  /** Joins the download of `digest` in progress, or starts it. */
  function join(digest: Digest): Promise<BlobFlight> {
    const key = `${target.name}\n${digest.value}`;
    const known = shared.flights.get(key);
    if (known) return known;
    const started = startFlight(digest);
    shared.flights.set(key, started);
    const forget = () => {
      if (shared.flights.get(key) === started) shared.flights.delete(key);
    };
    started.then((flight) => flight.stored.then(forget, forget), forget);
    return started;
  }

  return {
    async stat(digest) {
      const linked = await metadata.linkedBlob(target.name, digest.value);
      if (linked) return linked;
      const flying = shared.flights.get(`${target.name}\n${digest.value}`);
      if (flying) return { size: (await flying).size };
      metrics.upstreamFetches.inc(labels);
      const head = await target.client.headBlob(target.ref, digest.value);
      if (!head.ok) throw failure(head.failure, digest);
      return { size: head.value.size };
    },

    async open(digest): Promise<OpenedBlob> {
      // A download of this blob for this repository is joined, not raced by linking its half-committed file.
      const flying = () => shared.flights.has(`${target.name}\n${digest.value}`);
      const linked =
        (await metadata.linkedBlob(target.name, digest.value)) ?? (flying() ? undefined : await linkStored(digest));
      if (linked) {
        metrics.cacheHits.inc(labels);
        return stored(digest, linked.size);
      }
      metrics.cacheMisses.inc(labels);
      // With workers, another process may download it while this one waits for the stored copy.
      const found = await (shared.crossProcess ? joinAcross(digest, shared.crossProcess) : join(digest));
      if (!(found instanceof BlobFlight)) return stored(digest, found.size);
      const flight = found;
      // Counted as the bytes asked for, like a cached file: the follower keeps its reused-buffer path.
      const read = async (range?: ReadRange) => {
        const stream = await flight.follow(range).catch((error: unknown) => {
          // A download that failed before this client began: a clear error, not an unknown one.
          throw upstreamError({ kind: "unreachable", message: String(error) }, "blob", `blob ${digest.value}`);
        });
        metrics.bytes.inc({ app: target.app }, range?.length ?? flight.size - (range?.offset ?? 0));
        return stream;
      };
      return { size: flight.size, read };
    },

    async delete() {
      throw new RepositoryError("read-only", `${target.name} mirrors an upstream registry: blobs cannot be deleted`);
    },
  };
}
