/**
 * @module
 * The one conformance suite every storage driver joins (filesystem now, S3
 * later): call {@link runDriverConformance} from the driver's test file with a
 * factory for a fresh, empty driver.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import { after, describe, it } from "node:test";
import { PathNotFoundError, type StorageDriver } from "./storage-driver.ts";

/** A fresh driver and how to dispose of it. */
export interface DriverFixture {
  readonly driver: StorageDriver;
  readonly cleanup: () => Promise<void>;
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function* chunksOf(data: Buffer, size: number): AsyncIterable<Uint8Array> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

/** Registers the suite under `describe(name)`. */
export function runDriverConformance(name: string, create: () => Promise<DriverFixture>): void {
  describe(`storage driver conformance: ${name}`, async () => {
    const { driver, cleanup } = await create();
    after(cleanup);

    it("reports a missing object as absent, not as an error", async () => {
      assert.equal(await driver.stat("a/missing"), undefined);
      assert.equal(await driver.getContent("a/missing"), undefined);
      await assert.rejects(driver.read("a/missing"), PathNotFoundError);
      await assert.rejects(driver.move("a/missing", "a/other"), PathNotFoundError);
      assert.deepEqual(await driver.list("a/missing"), []);
      await driver.delete("a/missing");
    });

    it("writes, stats and reads a streamed object", async () => {
      const data = randomBytes(3 * 1024 * 1024 + 17);
      assert.equal(await driver.write("w/one", chunksOf(data, 65536)), data.length);
      assert.equal((await driver.stat("w/one"))?.size, data.length);
      assert.deepEqual(await collect(await driver.read("w/one")), data);
    });

    it("reads byte ranges", async () => {
      const data = randomBytes(10_000);
      await driver.putContent("r/obj", data);
      assert.deepEqual(await collect(await driver.read("r/obj", { offset: 100, length: 50 })), data.subarray(100, 150));
      assert.deepEqual(await collect(await driver.read("r/obj", { offset: 9990 })), data.subarray(9990));
    });

    it("appends", async () => {
      const first = randomBytes(1000);
      const second = randomBytes(2000);
      await driver.write("ap/data", chunksOf(first, 300), { append: true });
      assert.equal(await driver.write("ap/data", chunksOf(second, 700), { append: true }), 3000);
      assert.deepEqual(await driver.getContent("ap/data"), Buffer.concat([first, second]));
    });

    it("replaces atomically and leaves the old object when the source fails", async () => {
      await driver.putContent("x/obj", Buffer.from("old"));
      async function* failing(): AsyncIterable<Uint8Array> {
        yield Buffer.from("new-partial");
        throw new Error("client went away");
      }
      await assert.rejects(driver.write("x/obj", failing()), /client went away/);
      assert.equal((await driver.getContent("x/obj"))?.toString(), "old");
      assert.deepEqual(await driver.list("x"), ["obj"]);
    });

    it("moves, lists and deletes prefixes", async () => {
      await driver.putContent("m/src/data", Buffer.from("payload"));
      await driver.move("m/src/data", "m/dst/deep/data");
      assert.equal(await driver.stat("m/src/data"), undefined);
      assert.equal((await driver.getContent("m/dst/deep/data"))?.toString(), "payload");
      assert.deepEqual(await driver.list("m"), ["dst", "src"]);
      await driver.delete("m");
      assert.deepEqual(await driver.list("m"), []);
    });

    it("refuses paths that climb out of the root", async () => {
      await assert.rejects(driver.putContent("../escape", Buffer.from("x")));
      await assert.rejects(driver.stat("/etc/passwd"));
    });
  });
}
