import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { createFilesystemDriver } from "../storage/filesystem-driver.ts";
import type { StorageDriver } from "../storage/storage-driver.ts";
import { BlobFlight, replayBytes } from "./blob-flight.ts";

const chunkBytes = 1024 * 1024;

/** A source the test feeds chunk by chunk, optionally failing at the end (a digest mismatch). */
function controlledSource() {
  const pending: (Buffer | Error | null)[] = [];
  let wake: (() => void) | undefined;
  async function* source(): AsyncIterable<Buffer> {
    for (;;) {
      while (pending.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      const next = pending.shift()!;
      if (next === null) return;
      if (next instanceof Error) throw next;
      yield next;
    }
  }
  const push = (item: Buffer | Error | null) => {
    pending.push(item);
    wake?.();
  };
  return { source: source(), push };
}

async function hashOf(stream: Readable): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Lets the flight's writer drain what was pushed so far. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("BlobFlight", () => {
  let root: string;
  let driver: StorageDriver;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "wharf-flight-"));
    driver = createFilesystemDriver(root);
  });
  after(() => rm(root, { recursive: true, force: true }));

  function flightOver(name: string, size: number, source: AsyncIterable<Buffer>) {
    const temporary = `uploads/${name}`;
    const stored = `blobs/${name}`;
    const flight = new BlobFlight({
      size,
      source,
      store: async (bytes) => {
        await driver.write(temporary, bytes, { append: true, durable: false });
        await driver.move(temporary, stored);
      },
      readStored: (offset) => driver.read(stored, { offset }),
    });
    return { flight, stored };
  }

  test("followers that join early, within the replay window and after it all get every byte", async () => {
    const count = replayBytes / chunkBytes + 4;
    const chunks = Array.from({ length: count }, () => randomBytes(chunkBytes));
    const whole = Buffer.concat(chunks);
    const { source, push } = controlledSource();
    const { flight, stored } = flightOver("ok", whole.length, source);
    const early = hashOf(flight.follow());
    for (const chunk of chunks.slice(0, 3)) push(chunk);
    await settle();
    const within = hashOf(flight.follow());
    const ranged = flight.follow({ offset: 5, length: 10 }).toArray();
    for (const chunk of chunks.slice(3, -1)) push(chunk);
    await settle();
    const late = hashOf(flight.follow());
    push(chunks.at(-1)!);
    push(null);
    const expected = createHash("sha256").update(whole).digest("hex");
    assert.deepEqual(await Promise.all([early, within, late]), [expected, expected, expected]);
    assert.deepEqual(Buffer.concat(await ranged), whole.subarray(5, 15));
    await flight.stored;
    assert.equal((await driver.stat(stored))?.size, whole.length);
  });

  test("a download that fails at its end (digest mismatch) fails every follower before its last byte and stores nothing", async () => {
    const chunks = [randomBytes(chunkBytes), randomBytes(chunkBytes)];
    const { source, push } = controlledSource();
    const { flight, stored } = flightOver("bad", 2 * chunkBytes, source);
    const received: number[] = [0, 0];
    const followers = [0, 1].map(async (n) => {
      for await (const chunk of flight.follow()) received[n]! += (chunk as Buffer).length;
    });
    for (const chunk of chunks) push(chunk);
    push(new Error("content digest is sha256:…, expected sha256:…"));
    for (const follower of followers) await assert.rejects(follower, /content digest/);
    assert.ok(
      received.every((bytes) => bytes < 2 * chunkBytes),
      `received ${received}`,
    );
    await assert.rejects(flight.stored);
    assert.equal(await driver.stat(stored), undefined);
  });
});
