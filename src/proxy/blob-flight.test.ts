import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Readable, Writable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { setImmediate as turn } from "node:timers/promises";
import type { BodySink } from "../registry-client/bulk-exchange.ts";
import type { FileReadStream } from "../storage/file-read-stream.ts";
import { createFilesystemDriver } from "../storage/filesystem-driver.ts";
import type { StorageDriver } from "../storage/storage-driver.ts";
import { BlobFlight, slotBytes } from "./blob-flight.ts";

const chunkBytes = 256 * 1024;

/** A download the test feeds chunk by chunk; it honours the flight's pauses like the bulk exchange does. */
function controlledDownload() {
  let sink: BodySink | undefined;
  const pending: (Buffer | Error | "end")[] = [];
  let paused = false;
  let destroyed = false;
  const drain = () => {
    while (sink && !paused && !destroyed && pending.length > 0) {
      const next = pending.shift()!;
      if (next === "end") sink.end();
      else if (next instanceof Error) sink.error(next);
      else paused = !sink.data(next);
    }
  };
  return {
    download: {
      tap(given: BodySink) {
        sink = given;
        drain();
        return {
          resume: () => {
            paused = false;
            drain();
          },
          destroy: () => {
            destroyed = true;
          },
        };
      },
    },
    push(item: Buffer | Error | "end") {
      pending.push(item);
      drain();
    },
  };
}

/**
 * Collects a follower through the handler's path (writeTo a socket-like
 * Writable). With `slow`, each write is called back only when the test
 * calls `release()` (a client that stopped reading). Counts the bytes
 * written straight from the flight's 1 MiB slots (`live`) and those read
 * back from the spool file (`fromFile`, 256 KiB buffers).
 */
function collect(stream: Readable, slow = false) {
  const chunks: Buffer[] = [];
  let received = 0;
  let live = 0;
  let fromFile = 0;
  let held: (() => void)[] = [];
  let holding = slow;
  const sink = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(Buffer.from(chunk));
      received += chunk.length;
      if (chunk.buffer.byteLength === slotBytes) live += chunk.length;
      else fromFile += chunk.length;
      if (holding) held.push(() => callback());
      else callback();
    },
  });
  sink.on("error", () => undefined);
  const done = (stream as FileReadStream).writeTo(sink).then(() => Buffer.concat(chunks));
  done.catch(() => undefined);
  return {
    done,
    sink,
    received: () => received,
    live: () => live,
    fromFile: () => fromFile,
    held: () => held.length,
    release: () => {
      holding = false;
      const callbacks = held;
      held = [];
      for (const callback of callbacks) callback();
    },
  };
}

/** Lets the event loop run until `ready()` holds (file reads and writes complete on their own). */
async function until(ready: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !ready(); i++) await turn();
  assert.ok(ready(), `the condition never held ${String(ready)}`);
}

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

describe("BlobFlight", () => {
  let root: string;
  let driver: StorageDriver;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "wharf-flight-"));
    driver = createFilesystemDriver(root);
  });
  after(() => rm(root, { recursive: true, force: true }));

  async function flightOver(name: string, size: number) {
    const source = controlledDownload();
    const temporary = `uploads/${name}`;
    const stored = `blobs/${name}`;
    const flight = await BlobFlight.start({
      size,
      download: source.download,
      spool: driver.localPath!(temporary),
      commit: () => driver.move(temporary, stored),
      readStored: (range) => driver.read(stored, range),
    });
    return { flight, stored, push: source.push };
  }

  test("followers that join before, during and after the download get identical bytes; the last byte waits for the digest", async () => {
    const chunks = Array.from({ length: 24 }, () => randomBytes(chunkBytes));
    const whole = Buffer.concat(chunks);
    const { flight, stored, push } = await flightOver("ok", whole.length);
    const early = collect(await flight.follow());
    for (const chunk of chunks.slice(0, 10)) push(chunk);
    await until(() => early.received() >= 5 * chunkBytes);
    const midway = collect(await flight.follow());
    const ranged = (await flight.follow({ offset: 5, length: 10 })).toArray();
    for (const chunk of chunks.slice(10)) push(chunk);
    await until(() => early.received() === whole.length - 1 && midway.received() === whole.length - 1);
    const late = collect(await flight.follow());
    await until(() => late.received() === whole.length - 1);
    assert.equal(await driver.stat(stored), undefined, "nothing is stored before the download is verified");
    push("end");
    const expected = sha256(whole);
    const bodies = await Promise.all([early.done, midway.done, late.done]);
    assert.deepEqual(
      bodies.map((body) => sha256(body)),
      [expected, expected, expected],
    );
    assert.deepEqual(Buffer.concat(await ranged), whole.subarray(5, 15));
    await flight.stored;
    assert.equal((await driver.stat(stored))?.size, whole.length);
    const afterwards = await flight.follow({ offset: whole.length - 3 });
    assert.deepEqual(Buffer.concat(await afterwards.toArray()), whole.subarray(-3));
  });

  test("a download that fails at its end (digest mismatch) fails every follower before its last byte and stores nothing", async () => {
    const chunks = [randomBytes(chunkBytes), randomBytes(chunkBytes)];
    const { flight, stored, push } = await flightOver("bad", 2 * chunkBytes);
    const followers = [collect(await flight.follow()), collect(await flight.follow())];
    for (const chunk of chunks) push(chunk);
    await until(() => followers.every((f) => f.received() === 2 * chunkBytes - 1));
    push(new Error("content digest is sha256:…, expected sha256:…"));
    for (const follower of followers) await assert.rejects(follower.done, /content digest/);
    await assert.rejects(flight.stored, /content digest/);
    assert.equal(await driver.stat(stored), undefined);
    let left: string[] = ["?"];
    await until(() => {
      readdir(join(root, "uploads")).then(
        (names) => (left = names),
        () => (left = []),
      );
      return left.length === 0;
    });
    await assert.rejects(flight.follow(), /content digest/);
  });

  test("an upstream that sends more or fewer bytes than the blob's size fails the flight", async () => {
    const more = await flightOver("more", 10);
    const follower = collect(await more.flight.follow());
    more.push(randomBytes(11));
    await assert.rejects(more.flight.stored, /more than the blob's 10 bytes/);
    await assert.rejects(follower.done, /more than/);
    const fewer = await flightOver("fewer", 10);
    fewer.push(randomBytes(9));
    fewer.push("end");
    await assert.rejects(fewer.flight.stored, /sent 9 bytes of a blob of 10/);
  });

  test("a client that keeps up is written the download's own slots and gets identical bytes", async () => {
    const chunks = Array.from({ length: 40 }, () => randomBytes(chunkBytes));
    const whole = Buffer.concat(chunks);
    const { flight, push } = await flightOver("live", whole.length);
    const client = collect(await flight.follow());
    for (const chunk of chunks) push(chunk);
    await until(() => client.received() === whole.length - 1);
    push("end");
    assert.equal(sha256(await client.done), sha256(whole));
    assert.equal(client.live(), whole.length, "every byte came from the slots, none read back from the file");
    await flight.stored;
  });

  test("a client that stops reading falls back to the file and gets identical bytes, while a fast one finishes", async () => {
    const chunks = Array.from({ length: 64 }, () => randomBytes(chunkBytes));
    const whole = Buffer.concat(chunks);
    const { flight, push } = await flightOver("slow", whole.length);
    const slow = collect(await flight.follow(), true);
    const fast = collect(await flight.follow());
    for (const chunk of chunks) push(chunk);
    // 16 MiB pushed through 8 slots: the download went on although the slow client held its first writes.
    await until(() => fast.received() === whole.length - 1);
    assert.ok(slow.held() > 0 && slow.received() < whole.length / 2);
    push("end");
    assert.equal(sha256(await fast.done), sha256(whole));
    await flight.stored;
    slow.release();
    assert.equal(sha256(await slow.done), sha256(whole));
    assert.ok(slow.fromFile() > 0, "the slow client read the rest from the spool file");
    assert.ok(fast.live() > whole.length / 2, "the fast client was written from the slots");
  });

  test("clients that stop reading while holding every slot do not stop the download", async () => {
    const chunks = Array.from({ length: 64 }, () => randomBytes(chunkBytes));
    const whole = Buffer.concat(chunks);
    const { flight, push } = await flightOver("stalled", whole.length);
    const stalled = await Promise.all(Array.from({ length: 6 }, async () => collect(await flight.follow(), true)));
    const fast = collect(await flight.follow());
    for (const chunk of chunks) push(chunk);
    await until(() => fast.received() === whole.length - 1);
    push("end");
    assert.equal(sha256(await fast.done), sha256(whole));
    await flight.stored;
    for (const client of stalled) client.release();
    for (const client of stalled) assert.equal(sha256(await client.done), sha256(whole));
  });

  test("clients that go away while writes of the slots are under way do not stop the download", async () => {
    const chunks = Array.from({ length: 64 }, () => randomBytes(chunkBytes));
    const whole = Buffer.concat(chunks);
    const { flight, push } = await flightOver("gone", whole.length);
    const gone = await Promise.all(Array.from({ length: 6 }, async () => collect(await flight.follow(), true)));
    const fast = collect(await flight.follow());
    push(chunks[0]!);
    await until(() => gone.every((client) => client.held() > 0));
    for (const client of gone) client.sink.destroy();
    for (const chunk of chunks.slice(1)) push(chunk);
    await until(() => fast.received() === whole.length - 1);
    push("end");
    assert.equal(sha256(await fast.done), sha256(whole));
    await flight.stored;
    for (const client of gone) await assert.rejects(client.done);
  });

  test("a corrupt download fails live, fallen-behind and late clients alike before their last byte", async () => {
    const chunks = Array.from({ length: 48 }, () => randomBytes(chunkBytes));
    const whole = Buffer.concat(chunks);
    const { flight, stored, push } = await flightOver("corrupt", whole.length);
    const fast = collect(await flight.follow());
    const slow = collect(await flight.follow(), true);
    for (const chunk of chunks) push(chunk);
    const late = collect(await flight.follow());
    await until(() => fast.received() === whole.length - 1 && late.received() === whole.length - 1);
    slow.release();
    await until(() => slow.received() === whole.length - 1);
    push(new Error("content digest is sha256:…, expected sha256:…"));
    for (const client of [fast, slow, late]) {
      await assert.rejects(client.done, /content digest/);
      assert.equal(client.received(), whole.length - 1);
    }
    assert.ok(fast.live() > 0 && slow.fromFile() > 0, `${fast.live()} ${slow.fromFile()} ${late.fromFile()}`);
    await assert.rejects(flight.stored, /content digest/);
    assert.equal(await driver.stat(stored), undefined);
  });

  test("a client that goes away does not stop the download for the others", async () => {
    const whole = randomBytes(8 * chunkBytes);
    const { flight, push } = await flightOver("leaver", whole.length);
    const leaver = await flight.follow();
    const stayer = collect(await flight.follow());
    push(whole.subarray(0, chunkBytes));
    leaver.destroy();
    push(whole.subarray(chunkBytes));
    push("end");
    assert.equal(sha256(await stayer.done), sha256(whole));
    await flight.stored;
  });
});
