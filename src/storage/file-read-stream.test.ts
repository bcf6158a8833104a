import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { fstatSync, openSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { after, before, describe, it } from "node:test";
import { FileReadStream } from "./file-read-stream.ts";

/** True while `fd` is an open descriptor of this process. */
function isOpen(fd: number): boolean {
  try {
    fstatSync(fd);
    return true;
  } catch {
    return false;
  }
}

/** A Writable that keeps what it gets and calls back on the next turn (like a socket). */
function collector(): { sink: Writable; bytes: () => Buffer } {
  const parts: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      parts.push(Buffer.from(chunk));
      setImmediate(callback);
    },
  });
  return { sink, bytes: () => Buffer.concat(parts) };
}

describe("FileReadStream", () => {
  let dir: string;
  let file: string;
  // Several chunks and a partial last one.
  const data = randomBytes(5 * 256 * 1024 + 12_345);
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "wharf-file-read-"));
    file = join(dir, "blob");
    await writeFile(file, data);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads as a Readable: the whole file, a range, an empty range; closes the descriptor", async () => {
    const whole = openSync(file, "r");
    assert.deepEqual(await buffer(new FileReadStream(whole, 0, undefined)), data);
    const part = openSync(file, "r");
    assert.deepEqual(await buffer(new FileReadStream(part, 300_000, 700_001)), data.subarray(300_000, 1_000_001));
    const none = openSync(file, "r");
    assert.equal((await buffer(new FileReadStream(none, 10, 0))).length, 0);
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(!isOpen(whole) && !isOpen(part) && !isOpen(none));
  });

  it("writeTo copies the whole file or a range through reused buffers, ends the destination, closes the descriptor", async () => {
    const whole = openSync(file, "r");
    const first = collector();
    await new FileReadStream(whole, 0, undefined).writeTo(first.sink);
    assert.deepEqual(first.bytes(), data);
    assert.ok(first.sink.writableFinished);
    const part = openSync(file, "r");
    const second = collector();
    await new FileReadStream(part, 1, data.length - 2).writeTo(second.sink);
    assert.deepEqual(second.bytes(), data.subarray(1, data.length - 1));
    assert.ok(!isOpen(whole) && !isOpen(part));
  });

  it("writeTo refuses a stream already being read", async () => {
    const stream = new FileReadStream(openSync(file, "r"), 0, undefined);
    const done = buffer(stream);
    await assert.rejects(stream.writeTo(collector().sink), /already being read/);
    assert.deepEqual(await done, data);
  });

  it("writeTo into an HTTP response: the client gets the bytes; a client that goes away mid-body rejects it and closes the file", async () => {
    const outcomes: Array<{ fd: number; error?: Error }> = [];
    const bothDone = Promise.withResolvers<void>();
    const record = (outcome: { fd: number; error?: Error }) => {
      outcomes.push(outcome);
      if (outcomes.length === 2) bothDone.resolve();
    };
    const server = http.createServer((_req, res) => {
      const fd = openSync(file, "r");
      res.setHeader("Content-Length", data.length);
      new FileReadStream(fd, 0, undefined).writeTo(res).then(
        () => record({ fd }),
        (error: Error) => record({ fd, error }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const full = await fetch(url);
      assert.deepEqual(Buffer.from(await full.arrayBuffer()), data);
      await new Promise<void>((resolve, reject) => {
        const req = http.get(url, { agent: false }, (res) => {
          res.once("data", () => {
            req.destroy();
            resolve();
          });
        });
        req.on("error", () => {});
        req.on("close", resolve);
        req.on("timeout", reject);
      });
      await bothDone.promise;
      assert.equal(outcomes[0]!.error, undefined);
      assert.ok(outcomes[1]!.error instanceof Error);
      assert.ok(outcomes.every(({ fd }) => !isOpen(fd)));
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
