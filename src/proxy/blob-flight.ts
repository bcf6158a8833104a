/**
 * @module
 * One upstream download of a blob, shared by every client that asks for it
 * meanwhile. The download is written to storage (and verified) at the pace
 * of the disk; each chunk is also handed to every client following it, so
 * all of them stream as the bytes arrive. Memory stays bounded: the first
 * {@link replayBytes} are kept so a client joining early gets them from
 * memory, and a client that joins later, or falls more than
 * {@link maxQueuedBytes} behind, continues from the stored blob once it is
 * complete. The last chunk is held back until the digest is verified, so a
 * corrupt download fails every client (its response is cut short) and
 * nothing is cached.
 */
import { Readable } from "node:stream";
import type { ReadRange } from "../storage/storage-driver.ts";

/** Bytes kept in memory from the start of a download for late joiners. */
export const replayBytes = 4 * 1024 * 1024;
/** How far one client may fall behind the download before it is moved to the stored copy. */
export const maxQueuedBytes = 8 * 1024 * 1024;

interface Follower {
  queue: Buffer[];
  queued: number;
  detached: boolean;
  wake: (() => void) | undefined;
}

type State = { phase: "streaming" } | { phase: "verified" } | { phase: "failed"; error: unknown };

/** What a flight needs: the verified download, where it goes, and how to read it back. */
export interface FlightParts {
  readonly size: number;
  /** The upstream bytes; errors instead of ending when they do not match the digest. */
  readonly source: AsyncIterable<Buffer>;
  /** Writes the bytes to storage and links them; resolves once the blob is stored. */
  readonly store: (bytes: AsyncIterable<Buffer>) => Promise<void>;
  /** Reads the stored blob from `offset` to its end. */
  readonly readStored: (offset: number) => Promise<Readable>;
}

/** A download in progress; see the module comment. */
export class BlobFlight {
  readonly size: number;
  /** Settles when the blob is stored (or the download failed). */
  readonly stored: Promise<void>;
  readonly #parts: FlightParts;
  readonly #followers = new Set<Follower>();
  #replay: Buffer[] | undefined = [];
  #replayed = 0;
  #state: State = { phase: "streaming" };

  constructor(parts: FlightParts) {
    this.size = parts.size;
    this.#parts = parts;
    this.stored = parts.store(this.#tap()).catch((error: unknown) => {
      this.#settle({ phase: "failed", error });
      throw error;
    });
    this.stored.catch(() => undefined);
  }

  /** A stream of the blob's bytes (or `range` of them) for one client. */
  follow(range?: ReadRange): Readable {
    const bytes = this.#follow();
    return Readable.from(range ? slice(bytes, range) : bytes, { objectMode: false });
  }

  async *#tap(): AsyncIterable<Buffer> {
    for await (const chunk of this.#parts.source) {
      this.#publish(chunk);
      yield chunk;
    }
    this.#settle({ phase: "verified" });
  }

  #publish(chunk: Buffer): void {
    if (this.#replay) {
      if (this.#replayed + chunk.length <= replayBytes) {
        this.#replay.push(chunk);
        this.#replayed += chunk.length;
      } else this.#replay = undefined;
    }
    for (const follower of this.#followers) {
      if (follower.detached) continue;
      follower.queue.push(chunk);
      follower.queued += chunk.length;
      if (follower.queued > maxQueuedBytes) {
        follower.detached = true;
        follower.queue = [];
        follower.queued = 0;
      }
      wake(follower);
    }
  }

  #settle(state: State): void {
    if (this.#state.phase !== "streaming") return;
    this.#state = state;
    this.#replay = undefined;
    for (const follower of this.#followers) wake(follower);
  }

  #join(): Follower | undefined {
    if (this.#state.phase !== "streaming" || !this.#replay) return undefined;
    const follower: Follower = { queue: [...this.#replay], queued: this.#replayed, detached: false, wake: undefined };
    this.#followers.add(follower);
    return follower;
  }

  async *#follow(): AsyncGenerator<Buffer> {
    let sent = 0;
    const follower = this.#join();
    if (follower) {
      try {
        for (;;) {
          const state = this.#state;
          if (state.phase === "failed") throw state.error;
          const ready = state.phase === "verified" ? follower.queue.length : follower.queue.length - 1;
          if (ready > 0) {
            const chunk = follower.queue.shift()!;
            follower.queued -= chunk.length;
            sent += chunk.length;
            yield chunk;
            continue;
          }
          if (state.phase === "verified" || follower.detached) break;
          await new Promise<void>((resolve) => {
            follower.wake = resolve;
          });
        }
      } finally {
        this.#followers.delete(follower);
      }
    }
    if (sent >= this.size) return;
    await this.stored;
    yield* (await this.#parts.readStored(sent)) as AsyncIterable<Buffer>;
  }
}

function wake(follower: Follower): void {
  const resume = follower.wake;
  follower.wake = undefined;
  resume?.();
}

/** The bytes of `range` from a stream of the whole blob. */
async function* slice(bytes: AsyncIterable<Buffer>, range: ReadRange): AsyncGenerator<Buffer> {
  const end = range.length === undefined ? Number.POSITIVE_INFINITY : range.offset + range.length;
  let position = 0;
  for await (const chunk of bytes) {
    const from = Math.max(range.offset - position, 0);
    const to = Math.min(end - position, chunk.length);
    position += chunk.length;
    if (to > from) yield chunk.subarray(from, to);
    if (position >= end) return;
  }
}
