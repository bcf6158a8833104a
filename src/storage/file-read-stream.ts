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
 * Reads `length` bytes (undefined: to the end of the file) of `fd` from
 * `start`. Owns `fd`: closes it when the stream ends, fails or is destroyed.
 */
export class FileReadStream extends Readable {
  readonly #fd: number;
  #position: number;
  #remaining: number;
  #closed = false;
  #pumping = false;

  constructor(fd: number, start: number, length: number | undefined) {
    super({ highWaterMark: chunkBytes });
    this.#fd = fd;
    this.#position = start;
    this.#remaining = length ?? Number.POSITIVE_INFINITY;
  }

  override _read(): void {
    const want = Math.min(chunkBytes, this.#remaining);
    if (want <= 0) {
      this.push(null);
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
    close(this.#fd, (closeError) => callback(error ?? closeError));
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
        if (settled || reading || ended) return;
        const want = Math.min(chunkBytes, this.#remaining);
        if (want <= 0) return end();
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
