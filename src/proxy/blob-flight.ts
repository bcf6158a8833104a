/**
 * @module
 * One upstream download of a blob, shared by every client that asks for it
 * meanwhile. The download is written to a spool file in large writes as it
 * arrives (verified on the way by the registry client's tap), and every
 * client reads that file while it grows, through its own few reused buffers
 * (a {@link FileReadStream} of the one shared descriptor). So nothing is
 * allocated per chunk, a client that joins late starts from the file's
 * beginning, and a slow client never holds the download back. The blob's
 * last byte becomes readable only once the whole download matched its
 * digest: a corrupt download fails every client (its response is cut short)
 * and the spool file is removed, never committed.
 */
import { close, open, write } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { dirname } from "node:path";
import type { Readable } from "node:stream";
import type { BodySink, BodyTap } from "../registry-client/bulk-exchange.ts";
import { FileReadStream, type GrowingFile } from "../storage/file-read-stream.ts";
import type { ReadRange } from "../storage/storage-driver.ts";

/** Bytes of one write to the spool file. */
export const slotBytes = 1024 * 1024;
/** Slots a download fills before it waits for the disk: what it holds in memory at most (plus one oversized chunk). */
const slotCount = 8;
/** The largest view a tapped body hands over at once (the bulk exchange's read size). */
const largestView = 256 * 1024;

/** What a flight needs: the verified download and what to do with the spool file. */
export interface FlightParts {
  readonly size: number;
  /** The upstream bytes, checked against the digest (see BlobDownload.tap). */
  readonly download: { tap(sink: BodySink): BodyTap };
  /** The local file the download is written to (created; its folder too). */
  readonly spool: string;
  /** Makes the complete, verified spool file the stored blob; resolves once it is stored and linked. */
  readonly commit: () => Promise<void>;
  /** Reads `range` of the stored blob (for a client that comes after the spool file was closed). */
  readonly readStored: (range?: ReadRange) => Promise<Readable>;
}

/** A download in progress; see the module comment. */
export class BlobFlight implements GrowingFile {
  readonly size: number;
  /** Settles when the blob is stored (or the download failed). */
  readonly stored: Promise<void>;
  readonly #parts: FlightParts;
  readonly #fd: number;
  #users = 1;
  #tap: BodyTap | undefined;
  #paused = false;
  #free: Buffer[] = [];
  #allocated = 0;
  #slot: Buffer | undefined;
  #filled = 0;
  #queue: { slot: Buffer; length: number }[] = [];
  #writing = false;
  #received = 0;
  #written = 0;
  #verified = false;
  #committing = false;
  #closed = false;
  #failure: Error | undefined;
  #listeners: (() => void)[] = [];
  #settleStored!: { resolve: () => void; reject: (error: unknown) => void };

  private constructor(parts: FlightParts, fd: number) {
    this.size = parts.size;
    this.#parts = parts;
    this.#fd = fd;
    this.stored = new Promise<void>((resolve, reject) => {
      this.#settleStored = { resolve, reject };
    });
    this.stored.catch(() => undefined);
  }

  /** Creates the spool file and starts writing the download into it. */
  static async start(parts: FlightParts): Promise<BlobFlight> {
    let fd: number;
    try {
      await mkdir(dirname(parts.spool), { recursive: true });
      fd = await new Promise<number>((resolve, reject) =>
        open(parts.spool, "w+", 0o600, (error, opened) => (error ? reject(error) : resolve(opened))),
      );
    } catch (error) {
      // No file to write to: the download is dropped, not left to time out.
      parts.download.tap({ data: () => false, end: () => undefined, error: () => undefined }).destroy();
      throw error;
    }
    const flight = new BlobFlight(parts, fd);
    flight.#tap = parts.download.tap({
      data: (view) => flight.#data(view),
      end: () => flight.#end(),
      error: (error) => flight.#fail(error),
    });
    return flight;
  }

  get readableEnd(): number {
    return this.#verified ? this.#written : Math.min(this.#written, this.size - 1);
  }

  get failure(): Error | undefined {
    return this.#failure;
  }

  onChange(listener: () => void): void {
    this.#listeners.push(listener);
  }

  /**
   * A stream of the blob's bytes (or `range` of them) for one client, read
   * from the spool file as it grows. It fails when the download does.
   */
  async follow(range?: ReadRange): Promise<Readable> {
    if (this.#failure) throw this.#failure;
    if (this.#closed) return this.#parts.readStored(range);
    this.#users += 1;
    const offset = range?.offset ?? 0;
    const length = range?.length ?? this.size - offset;
    return new FileReadStream(this.#fd, offset, length, {
      growing: this,
      release: (callback) => {
        this.#release();
        callback();
      },
    });
  }

  #data(view: Buffer): boolean {
    if (this.#failure) return false;
    this.#received += view.length;
    if (this.#received > this.size) {
      this.#fail(new Error(`the upstream sent more than the blob's ${this.size} bytes`));
      this.#tap?.destroy();
      return false;
    }
    let at = 0;
    while (at < view.length) {
      this.#slot ??= this.#take();
      const copied = view.copy(this.#slot, this.#filled, at);
      this.#filled += copied;
      at += copied;
      if (this.#filled === this.#slot.length) this.#flush();
    }
    // Written at once when the disk is idle, so a slow upstream reaches the clients promptly;
    // while a write is under way, bytes gather into large writes.
    if (!this.#writing) this.#flush();
    if (this.#room() >= largestView) return true;
    this.#paused = true;
    return false;
  }

  #end(): void {
    if (this.#failure) return;
    if (this.#received !== this.size) {
      this.#fail(new Error(`the upstream sent ${this.#received} bytes of a blob of ${this.size}`));
      return;
    }
    this.#verified = true;
    this.#flush();
    this.#advance();
  }

  /** Bytes the download can take without waiting for the disk. */
  #room(): number {
    const current = this.#slot ? this.#slot.length - this.#filled : 0;
    return current + (this.#free.length + slotCount - this.#allocated) * slotBytes;
  }

  /** A free slot; past the bound only for a source that ignored a pause. */
  #take(): Buffer {
    const free = this.#free.pop();
    if (free) return free;
    this.#allocated += 1;
    return Buffer.allocUnsafeSlow(slotBytes);
  }

  /** Queues the current slot's bytes for writing. */
  #flush(): void {
    if (this.#slot && this.#filled > 0) this.#queue.push({ slot: this.#slot, length: this.#filled });
    else if (this.#slot) this.#free.push(this.#slot);
    this.#slot = undefined;
    this.#filled = 0;
    this.#pump();
  }

  /** Writes queued slots in order, one at a time, so the written bytes are always a prefix. */
  #pump(): void {
    if (this.#writing || this.#failure) return;
    const next = this.#queue.shift();
    if (!next) return;
    this.#writing = true;
    const writeFrom = (offset: number) => {
      write(this.#fd, next.slot, offset, next.length - offset, this.#written, (error, bytes) => {
        if (error) {
          this.#writing = false;
          if (this.#failure) return this.#release();
          return this.#fail(error);
        }
        if (this.#failure) {
          this.#writing = false;
          return this.#release();
        }
        this.#written += bytes;
        if (offset + bytes < next.length) return writeFrom(offset + bytes);
        this.#writing = false;
        if (this.#allocated <= slotCount) this.#free.push(next.slot);
        else this.#allocated -= 1;
        this.#advance();
        // What gathered during this write goes next, however little it is.
        if (this.#queue.length === 0 && this.#filled > 0) this.#flush();
        else this.#pump();
      });
    };
    writeFrom(0);
  }

  /** After a write: wake followers, resume the download, commit once complete. */
  #advance(): void {
    this.#notify();
    if (this.#paused && this.#room() >= largestView) {
      this.#paused = false;
      this.#tap?.resume();
    }
    const complete = this.#verified && this.#written === this.size && !this.#writing && this.#queue.length === 0;
    if (complete && !this.#committing && !this.#failure) {
      this.#committing = true;
      this.#parts.commit().then(
        () => {
          this.#settleStored.resolve();
          this.#release();
        },
        (error: unknown) => this.#fail(error instanceof Error ? error : new Error(String(error))),
      );
    }
  }

  #fail(error: Error): void {
    if (this.#failure) return;
    this.#failure = error;
    // A write under way still uses the descriptor: it is released when that write returns.
    if (this.#writing) this.#users += 1;
    this.#queue = [];
    this.#free = [];
    this.#slot = undefined;
    // Rejected first, so the flight is forgotten before its clients hear: a retry starts a new download.
    this.#settleStored.reject(error);
    this.#notify();
    const release = () => this.#release();
    rm(this.#parts.spool, { force: true }).then(release, release);
  }

  #notify(): void {
    const listeners = this.#listeners;
    this.#listeners = [];
    for (const listener of listeners) listener();
  }

  /** One user less (the download itself, or a follower); the last closes the descriptor. */
  #release(): void {
    this.#users -= 1;
    if (this.#users > 0) return;
    this.#closed = true;
    close(this.#fd, () => undefined);
  }
}
