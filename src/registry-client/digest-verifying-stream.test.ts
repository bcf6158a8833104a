/**
 * @module
 * The verifying stream's size and source-error rules (the digest rule runs
 * on real registry responses in get-blob.test.ts).
 */
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { test } from "node:test";
import { digestOf, parseDigest } from "../digest/digest.ts";
import { BlobStreamError, verifyDigestStream } from "./digest-verifying-stream.ts";

const bytes = Buffer.from("some layer bytes");
const digest = parseDigest(digestOf(bytes));

async function outcome(stream: Readable): Promise<string> {
  try {
    let length = 0;
    for await (const chunk of stream) length += (chunk as Buffer).length;
    return `ok ${length}`;
  } catch (error) {
    assert.ok(error instanceof BlobStreamError);
    return `${error.failure.kind}: ${error.message}`;
  }
}

test("passes matching bytes through", async () => {
  const stream = verifyDigestStream(
    Readable.from([bytes.subarray(0, 4), bytes.subarray(4)]),
    digest,
    bytes.length,
    "GET x",
  );
  assert.equal(await outcome(stream), `ok ${bytes.length}`);
});

test("fails on fewer or more bytes than announced", async () => {
  const short = verifyDigestStream(Readable.from([bytes]), digest, bytes.length + 1, "GET x");
  assert.match(await outcome(short), /^protocol: GET x: 16 bytes arrived, 17 were announced/);
  const long = verifyDigestStream(Readable.from([bytes]), digest, 3, "GET x");
  assert.match(await outcome(long), /^protocol: GET x: more than the announced 3 bytes/);
});

test("turns a source error into an unreachable BlobStreamError", async () => {
  const failing = new Readable({
    read() {
      this.destroy(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
    },
  });
  assert.match(
    await outcome(verifyDigestStream(failing, digest, undefined, "GET x")),
    /^unreachable: GET x: .*socket hang up/,
  );
});
