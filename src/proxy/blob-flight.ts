/**
 * @module
 * One upstream download of a blob, shared by every client that asks for it
 * meanwhile. The download is written to a spool file in large writes as it
 * arrives (verified on the way by the registry client's tap). A client that
 * keeps up is written the very slots the download was copied into (one
 * Buffer to every such socket, no copy, no read-back); a slot is reused only
 * once the disk and every such socket called back for it. A client that
 * joins late, or falls behind while the download needs its slots, reads the
 * file while it grows instead, through its own few reused buffers (a
 * {@link FileReadStream} of the one shared descriptor). So nothing is
 * allocated per chunk and a slow client never holds the download back. The blob's
 * last byte becomes readable only once the whole download matched its
 * digest: a corrupt download fails every client (its response is cut short)
 * and the spool file is removed, never committed.
 */
import { close, open, write } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { dirname } from "node:path";
import type { Readable, Writable } from "node:stream";
import type { BodySink, BodyTap } from "../registry-client/bulk-exchange.ts";
import { type FileReadOptions, FileReadStream, type GrowingFile } from "../storage/file-read-stream.ts";
import type { ReadRange } from "../storage/storage-driver.ts";

/** Bytes of one write to the spool file. */
export const slotBytes = 1024 * 1024;
/** Slots a download fills before it waits for the disk: what it holds in memory at most (plus one oversized chunk). */
const slotCount = 8;
/** The largest view a tapped body hands over at once (the bulk exchange's read size). */
const largestView = 256 * 1024;

/** Socket writes a client served from the slots may have under way; more and it waits. */
const writesPerClient = 2;

/** Bytes of the blob in one slot, kept until the disk and every client writing them called back. */
interface Segment {
  readonly slot: Buffer;
  readonly start: number;
  readonly end: number;
  /** The disk write (until done) plus each socket write under way. */
  refs: number;
  written: boolean;
  /** Given up by the pool (a client fell behind while holding it): dropped, never reused, once unreferenced. */
  orphan: boolean;
}

/** A client written straight from the slots. */
interface LiveClient {
  readonly destination: Writable;
  position: number;
  readonly end: number;
  writing: number;
  /** The slots its writes under way hold, with how many writes each. */
  readonly pinned: Map<Segment, number>;
  /** Set once its destination closed: writes still to call back no longer count. */
  released?: boolean;
  /** Switches the client to reading the file from `position`. */
  readonly fallBack: () => void;
  readonly done: () => void;
  readonly fail: (error: Error) => void;
}

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
  #queue: Segment[] = [];
  /** Slots with bytes in them, oldest first, until reused. */
  #segments: Segment[] = [];
  /** End of the bytes handed to #segments. */
  #flushed = 0;
  #live = new Set<LiveClient>();
  /** A copy of the blob's last byte, for live clients once verified. */
  #tail: Buffer | undefined;
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
    return new FlightStream(this, this.#fd, offset, length, this.#fileOptions(), (from, bytes) =>
      this.#fileStream(from, bytes),
    );
  }

  #fileOptions() {
    return {
      growing: this,
      release: (callback: (error?: Error | null) => void) => {
        this.#release();
        callback();
      },
    };
  }

  /** A reader of the spool file (a client that fell behind); counts as a user of the descriptor. */
  #fileStream(offset: number, length: number): FileReadStream {
    this.#users += 1;
    return new FileReadStream(this.#fd, offset, length, this.#fileOptions());
  }

  /**
   * Serves `client` from the slots if its position is still (or not yet) in
   * them; false when it must read the file.
   */
  serveLive(client: LiveClient): boolean {
    if (this.#failure || this.#closed || client.position >= client.end) return false;
    const oldest = this.#segments[0]?.start ?? this.#flushed;
    if (client.position < oldest) return false;
    this.#live.add(client);
    this.#feed(client);
    return true;
  }

  /** Stops writing to `client` (it finished, failed or reads the file now). */
  leave(client: LiveClient): void {
    this.#live.delete(client);
  }

  /**
   * `client`'s destination closed: its socket no longer refers to any slot,
   * and a response whose connection was destroyed never calls back for the
   * writes it still had, so their slots are let go here.
   */
  closed(client: LiveClient): void {
    this.#live.delete(client);
    if (client.released) return;
    client.released = true;
    for (const [segment, count] of client.pinned) for (let i = 0; i < count; i++) this.#unref(segment);
    client.pinned.clear();
  }

  /** Writes `client` what the slots hold from its position, up to its cap of writes under way. */
  #feed(client: LiveClient): void {
    const releasable = this.#verified ? this.size : this.size - 1;
    while (this.#live.has(client) && client.writing < writesPerClient && client.position < client.end) {
      const limit = Math.min(client.end, releasable);
      if (client.position >= limit) break;
      const segment = this.#segments.find((s) => s.start <= client.position && client.position < s.end);
      if (!segment) {
        if (client.position === this.size - 1 && this.#verified && this.#tail) {
          this.#send(client, this.#tail, undefined);
          continue;
        }
        // Not arrived yet: fed at the next flush. Gone from the slots: read the file.
        if (client.position >= this.#flushed) break;
        this.#live.delete(client);
        client.fallBack();
        return;
      }
      const to = Math.min(segment.end, limit);
      const view = segment.slot.subarray(client.position - segment.start, to - segment.start);
      this.#send(client, view, segment);
    }
    if (this.#live.has(client) && client.position >= client.end && client.writing === 0) {
      this.#live.delete(client);
      client.done();
    }
  }

  #send(client: LiveClient, view: Buffer, segment: Segment | undefined): void {
    client.writing += 1;
    client.position += view.length;
    if (segment) {
      segment.refs += 1;
      client.pinned.set(segment, (client.pinned.get(segment) ?? 0) + 1);
    }
    client.destination.write(view, (error) => {
      client.writing -= 1;
      if (segment && !client.released) {
        const left = client.pinned.get(segment)! - 1;
        if (left === 0) client.pinned.delete(segment);
        else client.pinned.set(segment, left);
        this.#unref(segment);
      }
      if (error) {
        this.#live.delete(client);
        return;
      }
      if (this.#live.has(client)) this.#feed(client);
    });
  }

  /**
   * One reference to `segment` less. Once written and unreferenced its slot
   * is idle: it stays readable for live clients until {@link #take} reuses it.
   */
  #unref(segment: Segment): void {
    segment.refs -= 1;
    if (segment.refs > 0 || !segment.written) return;
    if (this.#failure) return;
    if (segment.orphan || this.#allocated > slotCount) {
      const at = this.#segments.indexOf(segment);
      if (at >= 0) this.#segments.splice(at, 1);
      if (!segment.orphan) this.#allocated -= 1;
      return;
    }
    this.#resumeIfRoom();
  }

  #idle(segment: Segment): boolean {
    return segment.written && segment.refs === 0 && !segment.orphan;
  }

  /**
   * When the download lacks room: every live client still writing a slot
   * the disk has written falls back to the file, and such slots leave the
   * pool (dropped once their writes call back) so new ones can be taken.
   */
  #shed(): void {
    for (const segment of this.#segments) {
      if (!segment.written || segment.refs === 0 || segment.orphan) continue;
      segment.orphan = true;
      this.#allocated -= 1;
      for (const client of [...this.#live]) {
        if (!client.pinned.has(segment)) continue;
        // Its writes of this slot are under way; from here on it reads the file.
        this.#live.delete(client);
        client.fallBack();
      }
    }
  }

  #data(view: Buffer): boolean {
    if (this.#failure) return false;
    this.#received += view.length;
    if (this.#received > this.size) {
      this.#fail(new Error(`the upstream sent more than the blob's ${this.size} bytes`));
      this.#tap?.destroy();
      return false;
    }
    if (this.#received === this.size && view.length > 0) this.#tail = Buffer.from(view.subarray(-1));
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
    this.#shed();
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
    for (const client of [...this.#live]) this.#feed(client);
  }

  /** Bytes the download can take without waiting for the disk. */
  #room(): number {
    const current = this.#slot ? this.#slot.length - this.#filled : 0;
    const idle = this.#segments.filter((segment) => this.#idle(segment)).length;
    return current + (this.#free.length + idle + slotCount - this.#allocated) * slotBytes;
  }

  /** A free slot; past the bound only for a source that ignored a pause. */
  #take(): Buffer {
    const free = this.#free.pop();
    if (free) return free;
    if (this.#allocated >= slotCount) {
      // The oldest idle slot: no write refers to it any more (the disk and every socket called back).
      const at = this.#segments.findIndex((segment) => this.#idle(segment));
      if (at >= 0) return this.#segments.splice(at, 1)[0]!.slot;
    }
    this.#allocated += 1;
    return Buffer.allocUnsafeSlow(slotBytes);
  }

  /** Queues the current slot's bytes for writing. */
  #flush(): void {
    if (this.#slot && this.#filled > 0) {
      const start = this.#flushed;
      this.#flushed += this.#filled;
      const segment: Segment = { slot: this.#slot, start, end: this.#flushed, refs: 1, written: false, orphan: false };
      this.#queue.push(segment);
      this.#segments.push(segment);
      this.#slot = undefined;
      this.#filled = 0;
      for (const client of [...this.#live]) this.#feed(client);
    } else if (this.#slot) this.#free.push(this.#slot);
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
      const length = next.end - next.start;
      write(this.#fd, next.slot, offset, length - offset, this.#written, (error, bytes) => {
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
        if (offset + bytes < length) return writeFrom(offset + bytes);
        this.#writing = false;
        next.written = true;
        this.#unref(next);
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
    this.#resumeIfRoom();
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

  #resumeIfRoom(): void {
    if (!this.#paused || this.#failure) return;
    if (this.#room() < largestView) this.#shed();
    if (this.#room() < largestView) return;
    this.#paused = false;
    this.#tap?.resume();
  }

  #fail(error: Error): void {
    if (this.#failure) return;
    this.#failure = error;
    // A write under way still uses the descriptor: it is released when that write returns.
    if (this.#writing) this.#users += 1;
    this.#queue = [];
    this.#free = [];
    this.#slot = undefined;
    this.#segments = [];
    // Rejected first, so the flight is forgotten before its clients hear: a retry starts a new download.
    this.#settleStored.reject(error);
    this.#notify();
    const live = [...this.#live];
    this.#live.clear();
    for (const client of live) client.fail(error);
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

/**
 * One client's stream of a flight: {@link FlightStream.writeTo} (the
 * handler's path to the socket) is served from the flight's slots while the
 * client keeps up and from the spool file otherwise; read as a stream, it
 * reads the file.
 */
class FlightStream extends FileReadStream {
  readonly #flight: BlobFlight;
  readonly #start: number;
  readonly #length: number;
  readonly #fileStream: (offset: number, length: number) => FileReadStream;

  constructor(
    flight: BlobFlight,
    fd: number,
    offset: number,
    length: number,
    options: FileReadOptions,
    fileStream: (offset: number, length: number) => FileReadStream,
  ) {
    super(fd, offset, length, options);
    this.#flight = flight;
    this.#start = offset;
    this.#length = length;
    this.#fileStream = fileStream;
  }

  override writeTo(destination: Writable): Promise<void> {
    if (this.readableFlowing !== null || this.readableDidRead || this.destroyed) return super.writeTo(destination);
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const detach = () => {
        destination.off("close", onClose);
        destination.off("error", onError);
        destination.off("finish", onFinish);
      };
      // Settles once this stream let go of the descriptor.
      const settle = (error?: Error) => {
        if (settled) return;
        settled = true;
        detach();
        this.#flight.leave(client);
        this.once("close", () => (error ? reject(error) : resolve()));
        this.destroy();
      };
      const onClose = () => settle(new Error("the receiver closed before the whole blob was sent"));
      const onError = (error: Error) => settle(error);
      const onFinish = () => settle();
      const client: LiveClient = {
        destination,
        position: this.#start,
        end: this.#start + this.#length,
        writing: 0,
        pinned: new Map(),
        fallBack: () => {
          if (settled) return;
          settled = true;
          detach();
          const file = this.#fileStream(client.position, client.end - client.position);
          const finished = file.writeTo(destination);
          this.once("close", () => finished.then(resolve, reject));
          this.destroy();
        },
        done: () => destination.end(),
        fail: (error) => {
          destination.destroy(error);
          settle(error);
        },
      };
      destination.once("close", onClose);
      destination.once("error", onError);
      destination.once("finish", onFinish);
      if (this.#flight.serveLive(client)) {
        destination.once("close", () => this.#flight.closed(client));
        return;
      }
      detach();
      super.writeTo(destination).then(resolve, reject);
    });
  }
}
