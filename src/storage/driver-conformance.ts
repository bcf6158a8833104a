/**
 * @module
 * The one conformance suite every storage driver joins: call
 * {@link runDriverConformance} with the backend matrix (testing/
 * storage-backends.ts). Every test gets a fresh, isolated driver and must
 * delete what it wrote: a test that leaves objects behind fails. A backend
 * that cannot run here is skipped with its reason, and fails under CI; a
 * test a stand-in server cannot pass (see `deviations`) is skipped with why.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { PathNotFoundError, type StorageDriver } from "./storage-driver.ts";
import type { StorageBackend } from "./testing/storage-backends.ts";

const mib = 1024 * 1024;

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function* chunksOf(data: Buffer, size: number): AsyncIterable<Uint8Array> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

async function* failingAfter(data: Buffer): AsyncIterable<Uint8Array> {
  yield data;
  throw new Error("client went away");
}

type DriverTest = (driver: StorageDriver) => Promise<void>;

/** The tests, each against a fresh driver; each deletes what it wrote. */
const tests: Record<string, DriverTest> = {
  "reports a missing object as absent, not as an error": async (driver) => {
    assert.equal(await driver.stat("a/missing"), undefined);
    assert.equal(await driver.getContent("a/missing"), undefined);
    await assert.rejects(driver.read("a/missing"), PathNotFoundError);
    await assert.rejects(driver.read("a/missing", { offset: 5, length: 2 }), PathNotFoundError);
    await assert.rejects(driver.move("a/missing", "a/other"), PathNotFoundError);
    assert.equal(await driver.stat("a/other"), undefined);
    assert.deepEqual(await driver.list("a/missing"), []);
    assert.deepEqual(await driver.list(""), []);
  },

  "deletes missing objects and prefixes without error": async (driver) => {
    await driver.delete("a/missing");
    await driver.delete("no/such/prefix");
    await driver.delete("");
  },

  "writes, stats and reads a streamed object": async (driver) => {
    const data = randomBytes(3 * mib + 17);
    const before = Date.now();
    assert.equal(await driver.write("w/one", chunksOf(data, 65536)), data.length);
    const info = await driver.stat("w/one");
    assert.equal(info?.size, data.length);
    // A wide window: clocks of a remote store may differ a little from ours.
    assert.ok(Math.abs(info!.modifiedAt.getTime() - before) < 3_600_000, "modifiedAt is about now");
    assert.deepEqual(await collect(await driver.read("w/one")), data);
    await driver.delete("w/one");
    assert.equal(await driver.stat("w/one"), undefined);
  },

  "stores empty objects": async (driver) => {
    assert.equal(await driver.write("e/streamed", []), 0);
    await driver.putContent("e/put", new Uint8Array());
    assert.equal(await driver.write("e/appended", [], { append: true }), 0);
    for (const path of ["e/streamed", "e/put", "e/appended"]) {
      assert.equal((await driver.stat(path))?.size, 0, path);
      assert.deepEqual(await driver.getContent(path), Buffer.alloc(0), path);
      assert.deepEqual(await collect(await driver.read(path)), Buffer.alloc(0), path);
      assert.deepEqual(await collect(await driver.read(path, { offset: 0, length: 0 })), Buffer.alloc(0), path);
    }
    assert.deepEqual(await driver.list("e"), ["appended", "put", "streamed"]);
    await driver.delete("e");
  },

  "reads byte ranges": async (driver) => {
    const data = randomBytes(10_000);
    await driver.putContent("r/obj", data);
    assert.deepEqual(await collect(await driver.read("r/obj", { offset: 100, length: 50 })), data.subarray(100, 150));
    assert.deepEqual(await collect(await driver.read("r/obj", { offset: 9990 })), data.subarray(9990));
    assert.deepEqual(await collect(await driver.read("r/obj", { offset: 0, length: 1 })), data.subarray(0, 1));
    assert.deepEqual(await collect(await driver.read("r/obj", { offset: 10_000 })), Buffer.alloc(0));
    await driver.delete("r/obj");
  },

  "appends, creating the object on the first append": async (driver) => {
    const first = randomBytes(1000);
    const second = randomBytes(2000);
    assert.equal(await driver.write("ap/data", chunksOf(first, 300), { append: true }), 1000);
    assert.equal(await driver.write("ap/data", chunksOf(second, 700), { append: true }), 3000);
    assert.equal(await driver.write("ap/data", [], { append: true }), 3000, "an empty append changes nothing");
    assert.deepEqual(await driver.getContent("ap/data"), Buffer.concat([first, second]));
    await driver.delete("ap/data");
  },

  "appends chunks of every size across part boundaries": async (driver) => {
    // Sizes around S3's 5 MiB part minimum: small, just over, several parts, tiny.
    const chunks = [1, 3 * mib, 4 * mib + 1, 5 * mib, 9 * mib + 3, 17].map((size) => randomBytes(size));
    let size = 0;
    for (const chunk of chunks) {
      size += chunk.length;
      assert.equal(await driver.write("ap/big", chunksOf(chunk, 256 * 1024), { append: true }), size);
      assert.equal((await driver.stat("ap/big"))?.size, size);
    }
    const hash = createHash("sha256");
    for await (const chunk of await driver.read("ap/big")) hash.update(chunk as Buffer);
    assert.equal(hash.digest("hex"), createHash("sha256").update(Buffer.concat(chunks)).digest("hex"));
    const tail = await collect(await driver.read("ap/big", { offset: size - 20, length: 20 }));
    assert.deepEqual(tail, Buffer.concat(chunks).subarray(size - 20));
    await driver.delete("ap/big");
  },

  "keeps the bytes received before an append fails, so an upload resumes there": async (driver) => {
    const first = randomBytes(2000);
    const second = randomBytes(500);
    await driver.write("af/data", [first], { append: true });
    await assert.rejects(driver.write("af/data", failingAfter(second), { append: true }), /went away/);
    assert.deepEqual(await driver.getContent("af/data"), Buffer.concat([first, second]));
    // Across part boundaries too: a large head, then a large broken append.
    const big = randomBytes(6 * 1024 * 1024);
    await assert.rejects(driver.write("af/data", failingAfter(big), { append: true }), /went away/);
    assert.equal((await driver.stat("af/data"))?.size, 2500 + big.length);
    await assert.rejects(driver.write("af/data", failingAfter(second), { append: true }), /went away/);
    const kept = (await driver.getContent("af/data"))!;
    assert.deepEqual(kept, Buffer.concat([first, second, big, second]));
    await assert.rejects(driver.write("af/new", failingAfter(second), { append: true }), /went away/);
    assert.deepEqual(await driver.getContent("af/new"), second, "a first append that fails keeps its bytes too");
    await driver.delete("af");
  },

  "replaces atomically and leaves the old object when the source fails": async (driver) => {
    await driver.putContent("x/obj", Buffer.from("old"));
    await assert.rejects(driver.write("x/obj", failingAfter(Buffer.from("new-partial"))), /client went away/);
    assert.equal((await driver.getContent("x/obj"))?.toString(), "old");
    assert.deepEqual(await driver.list("x"), ["obj"]);
    await assert.rejects(driver.write("x/fresh", failingAfter(randomBytes(6 * mib))), /client went away/);
    assert.equal(await driver.stat("x/fresh"), undefined, "a failed write of a new object leaves nothing");
    await driver.delete("x");
  },

  "overwrites an object with a shorter or longer one": async (driver) => {
    await driver.putContent("o/obj", randomBytes(5000));
    await driver.putContent("o/obj", Buffer.from("short"));
    assert.equal((await driver.getContent("o/obj"))?.toString(), "short");
    const longer = randomBytes(7 * mib);
    assert.equal(await driver.write("o/obj", chunksOf(longer, mib)), longer.length);
    assert.equal((await driver.stat("o/obj"))?.size, longer.length);
    assert.deepEqual(await driver.getContent("o/obj"), longer);
    await driver.delete("o/obj");
  },

  "moves objects, replacing the target": async (driver) => {
    await driver.putContent("m/src/data", Buffer.from("payload"));
    await driver.move("m/src/data", "m/dst/deep/data");
    assert.equal(await driver.stat("m/src/data"), undefined);
    assert.equal((await driver.getContent("m/dst/deep/data"))?.toString(), "payload");
    assert.deepEqual(await driver.list("m/dst/deep"), ["data"]);
    const big = randomBytes(6 * mib);
    await driver.write("m/big", chunksOf(big, mib));
    await driver.putContent("m/target", Buffer.from("old target"));
    await driver.move("m/big", "m/target");
    assert.equal(await driver.stat("m/big"), undefined);
    assert.deepEqual(await driver.getContent("m/target"), big);
    await driver.delete("m");
    assert.deepEqual(await driver.list("m"), []);
  },

  "lists direct children: objects and prefixes, sorted, nested, never a sibling's": async (driver) => {
    const paths = ["l/b", "l/a/one", "l/a/two/deep", "l/c/x", "l/ab", "lx/other", "top"];
    for (const path of paths) await driver.putContent(path, Buffer.from(path));
    assert.deepEqual(await driver.list("l"), ["a", "ab", "b", "c"]);
    assert.deepEqual(await driver.list("l/a"), ["one", "two"]);
    assert.deepEqual(await driver.list("l/a/two"), ["deep"]);
    assert.deepEqual(await driver.list("l/b"), [], "an object has no children");
    assert.deepEqual(await driver.list("l/none"), []);
    assert.deepEqual(await driver.list(""), ["l", "lx", "top"]);
    assert.equal(await driver.stat("l/a"), undefined, "a prefix is not an object");
    for (const path of paths) await driver.delete(path);
  },

  "lists a prefix whose objects are all nested deeper": async (driver) => {
    await driver.putContent("deep/a/b/c/obj", Buffer.from("x"));
    assert.deepEqual(await driver.list("deep"), ["a"]);
    assert.deepEqual(await driver.list(""), ["deep"]);
    await driver.delete("deep");
  },

  "lists and deletes more than one page of objects": async (driver) => {
    const names = Array.from({ length: 1010 }, (_, i) => `n${String(i).padStart(4, "0")}`);
    for (let at = 0; at < names.length; at += 50) {
      await Promise.all(names.slice(at, at + 50).map((name) => driver.write(`p/${name}`, [Buffer.from(name)], {})));
    }
    assert.deepEqual(await driver.list("p"), names);
    await driver.delete("p");
    assert.deepEqual(await driver.list("p"), []);
  },

  "deletes an object or a whole prefix, and nothing else": async (driver) => {
    for (const path of ["d/a", "d/a2", "d/dir/x", "d/dir/sub/y", "d/dirty"]) {
      await driver.putContent(path, Buffer.from(path));
    }
    await driver.delete("d/a");
    assert.equal(await driver.stat("d/a"), undefined);
    assert.equal((await driver.getContent("d/a2"))?.toString(), "d/a2");
    await driver.delete("d/dir");
    assert.equal(await driver.stat("d/dir/sub/y"), undefined);
    assert.deepEqual(await driver.list("d"), ["a2", "dirty"]);
    await driver.delete("d");
    assert.deepEqual(await driver.list(""), []);
  },

  "writes to different objects in parallel": async (driver) => {
    const contents = Array.from({ length: 8 }, () => randomBytes(mib + 123));
    await Promise.all(contents.map((data, i) => driver.write(`pw/${i}`, chunksOf(data, 64 * 1024))));
    await Promise.all(contents.map((data, i) => driver.write(`pa/${i}`, chunksOf(data, 100_000), { append: true })));
    for (const [i, data] of contents.entries()) {
      assert.deepEqual(await driver.getContent(`pw/${i}`), data);
      assert.deepEqual(await driver.getContent(`pa/${i}`), data);
    }
    await Promise.all([driver.delete("pw"), driver.delete("pa")]);
  },

  "parallel writers to one object leave exactly one of them, never a mix": async (driver) => {
    const contents = Array.from({ length: 4 }, (_, i) => Buffer.alloc(2 * mib + i, i + 1));
    await Promise.all(contents.map((data) => driver.write("same/obj", chunksOf(data, 32 * 1024))));
    const stored = (await driver.getContent("same/obj"))!;
    assert.ok(
      contents.some((data) => data.equals(stored)),
      `the object is one writer's bytes (${stored.length} bytes)`,
    );
    await driver.delete("same/obj");
  },

  "serves parallel readers": async (driver) => {
    const data = randomBytes(4 * mib);
    await driver.putContent("pr/obj", data);
    const reads = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        i % 2 === 0
          ? driver.read("pr/obj").then(collect)
          : driver.read("pr/obj", { offset: i * 1000, length: mib }).then(collect),
      ),
    );
    for (const [i, read] of reads.entries()) {
      assert.deepEqual(read, i % 2 === 0 ? data : data.subarray(i * 1000, i * 1000 + mib));
    }
    await driver.delete("pr/obj");
  },

  "streams a 64 MiB object in and out": async (driver) => {
    const written = createHash("sha256");
    async function* generated(): AsyncIterable<Uint8Array> {
      for (let i = 0; i < 64; i++) {
        const chunk = randomBytes(mib);
        written.update(chunk);
        yield chunk;
      }
    }
    assert.equal(await driver.write("big/obj", generated()), 64 * mib);
    assert.equal((await driver.stat("big/obj"))?.size, 64 * mib);
    const read = createHash("sha256");
    let size = 0;
    for await (const chunk of await driver.read("big/obj")) {
      read.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    assert.equal(size, 64 * mib);
    assert.equal(read.digest("hex"), written.digest("hex"));
    await driver.move("big/obj", "big/moved");
    assert.equal((await driver.stat("big/moved"))?.size, 64 * mib);
    await driver.delete("big");
  },

  "refuses paths that climb out of the root": async (driver) => {
    await assert.rejects(driver.putContent("../escape", Buffer.from("x")));
    await assert.rejects(driver.stat("/etc/passwd"));
    await assert.rejects(driver.read("a/../../b"));
    await assert.rejects(driver.delete("../outside"));
    await assert.rejects(driver.list(".."));
    await assert.rejects(driver.move("a", "../b"));
  },
};

/**
 * Registers the suite once per backend, under `describe(storage driver
 * conformance: NAME)`. After each test the backend must hold no object.
 */
export function runDriverConformance(backends: readonly StorageBackend[]): void {
  for (const backend of backends) {
    const reason = backend.unavailable();
    const title = `storage driver conformance: ${backend.name}`;
    if (reason !== undefined && process.env.CI) {
      it(title, () => assert.fail(`${backend.name} cannot run under CI: ${reason}`));
      continue;
    }
    describe(title, { skip: reason }, () => {
      if (reason !== undefined) return;
      if (backend.setup) before(() => backend.setup!());
      if (backend.teardown) after(() => backend.teardown!());
      for (const [name, test] of Object.entries(tests)) {
        it(name, { skip: backend.deviations?.[name] }, async () => {
          const fixture = await backend.create();
          try {
            await test(fixture.driver);
            assert.deepEqual(await fixture.remaining(), [], "the test left objects behind; delete them");
          } finally {
            await fixture.cleanup();
          }
        });
      }
    });
  }
}
