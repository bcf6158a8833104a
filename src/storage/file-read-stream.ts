/**
 * @module
 * A readable stream of a byte range of an open file, with a second way out
 * for the hot path (a blob GET): {@link FileReadStream.writeTo} copies the
 * range into a Writable through a few buffers it reuses, so streaming a
 * large blob allocates nothing per chunk. Node's own fs.ReadStream allocates
 * a new buffer for every read; those buffers are external memory, and in a
 * process with a real heap (the whole server) they make V8 run a full
 * mark-compact every few tens of MiB — measured at a quarter of the CPU of a
 * pull, and the reason a pull reached only about half of what a bare Node
 * server does.
 */
import { close, read } from "node:fs";
import { Readable, type Writable } from "node:stream";

/** Bytes per read. */
const chunkBytes = 256 * 1024;
/** Buffers one {@link FileReadStream.writeTo} cycles through: at most this many chunks in flight. */
const poolSize = 4;

/**
 * A file another part of the process is still writing (the proxy's
 * download of a blob): how far it may be read now, and word when that
 * changes.
 */
export interface GrowingFile {
  /** The file offset up to which (exclusive) reading is allowed now. */
  readonly readableEnd: number;
  /** Set once the file will never be complete: readers fail with it. */
  readonly failure: Error | undefined;
  /** Calls `listener` once, at the next change of `readableEnd` or `failure`. */
  onChange(listener: () => void): void;
}

/** How a {@link FileReadStream} treats its descriptor. */
export interface FileReadOptions {
  /** The file is still growing: reads wait for it (and fail with it). */
  readonly growing?: GrowingFile;
  /** Called instead of closing `fd` (a descriptor shared with others); must call back. */
  readonly release?: (callback: (error?: Error | null) => void) => void;
}

/**
 * Reads `length` bytes (undefined: to the end of the file) of `fd` from
 * `start`. Owns `fd` (unless `options.release` says otherwise): closes it
 * when the stream ends, fails or is destroyed.
 */
export class FileReadStream extends Readable {
  readonly #fd: number;
  readonly #options: FileReadOptions;
  #position: number;
  #remaining: number;
  #closed = false;
  #pumping = false;

  constructor(fd: number, start: number, length: number | undefined, options: FileReadOptions = {}) {
    super({ highWaterMark: chunkBytes });
    this.#fd = fd;
    this.#options = options;
    this.#position = start;
    this.#remaining = length ?? Number.POSITIVE_INFINITY;
  }

  /**
   * Bytes the next read may ask for: 0 at the end of the range, and -1 when
   * a growing file has nothing more yet (or failed: see `failure`).
   */
  #want(): number {
    const want = Math.min(chunkBytes, this.#remaining);
    const growing = this.#options.growing;
    if (want <= 0 || !growing) return want;
    if (growing.failure) return -1;
    const ready = Math.min(want, growing.readableEnd - this.#position);
    return ready > 0 ? ready : -1;
  }

  override _read(): void {
    const want = this.#want();
    if (want === 0) {
      this.push(null);
      return;
    }
    if (want < 0) {
      const growing = this.#options.growing!;
      if (growing.failure) this.destroy(growing.failure);
      else growing.onChange(() => !this.destroyed && this._read());
      return;
    }
    const buffer = Buffer.allocUnsafeSlow(want);
    read(this.#fd, buffer, 0, want, this.#position, (error, bytes) => {
      if (error) return this.destroy(error);
      if (bytes === 0) return void this.push(null);
      this.#position += bytes;
      this.#remaining -= bytes;
      this.push(bytes < want ? buffer.subarray(0, bytes) : buffer);
    });
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.#closed) {
      callback(error);
      return;
    }
    this.#closed = true;
    const done = (closeError?: Error | null) => callback(error ?? closeError);
    if (this.#options.release) this.#options.release(done);
    else close(this.#fd, done);
  }

  /**
   * Writes the whole range into `destination` and ends it, reusing a few
   * buffers: a buffer is read into again only after `destination` called back
   * for its write (the bytes reached the kernel), which also bounds what is
   * in flight. Resolves once `destination` finished; rejects, destroying
   * `destination`, on a read error, and rejects when `destination` closes or
   * fails first. Either way the file is closed. Use instead of reading the
   * stream, never both.
   */
  writeTo(destination: Writable): Promise<void> {
    if (this.#pumping || this.readableFlowing !== null || this.readableDidRead || this.destroyed) {
      return Promise.reject(new Error("FileReadStream.writeTo: the stream is already being read"));
    }
    this.#pumping = true;
    return new Promise<void>((resolve, reject) => {
      // Allocated on demand, no larger than the range: a 4 KiB blob costs one 4 KiB buffer.
      const bufferBytes = Math.min(chunkBytes, this.#remaining);
      const free: Buffer[] = [];
      let allocated = 0;
      let reading = false;
      let waiting = false;
      let ended = false;
      let settled = false;
      let closeFile: (() => void) | undefined;
      const settle = (error?: Error) => {
        if (settled) return;
        settled = true;
        destination.off("close", onClose);
        destination.off("error", settle);
        destination.off("finish", onFinish);
        if (error) destination.destroy(error);
        // Settle once the descriptor is closed; a read in flight still uses it, so close after that read.
        closeFile = () => {
          this.once("close", () => (error ? reject(error) : resolve()));
          this.destroy();
        };
        if (!reading) closeFile();
      };
      const onClose = () => settle(new Error("the receiver closed before the whole blob was sent"));
      const onFinish = () => settle();
      const end = () => {
        ended = true;
        destination.end();
      };
      const pump = () => {
        if (settled || reading || ended || waiting) return;
        const want = this.#want();
        if (want === 0) return end();
        if (want < 0) {
          const growing = this.#options.growing!;
          if (growing.failure) return settle(growing.failure);
          waiting = true;
          growing.onChange(() => {
            waiting = false;
            pump();
          });
          return;
        }
        let buffer = free.pop();
        if (!buffer) {
          if (allocated === poolSize) return;
          allocated++;
          buffer = Buffer.allocUnsafeSlow(bufferBytes);
        }
        reading = true;
        read(this.#fd, buffer, 0, want, this.#position, (error, bytes) => {
          reading = false;
          if (settled) return closeFile?.();
          if (error) return settle(error);
          if (bytes === 0) return end();
          this.#position += bytes;
          this.#remaining -= bytes;
          destination.write(buffer.subarray(0, bytes), (writeError) => {
            if (writeError) return settle(writeError);
            free.push(buffer);
            pump();
          });
          pump();
        });
      };
      destination.once("close", onClose);
      destination.once("error", settle);
      destination.once("finish", onFinish);
      pump();
    });
  }
}
