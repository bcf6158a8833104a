import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { parseTarHeader, tarEntryLength, tarHeader, tarPadding, tarTrailer } from "./tar-format.ts";

describe("tar format", () => {
  test("GNU tar lists and extracts what the writer wrote", () => {
    const dir = mkdtempSync(join(tmpdir(), "wharf-tar-"));
    try {
      const data = Buffer.from("hello bundle\n");
      const archive = Buffer.concat([
        tarHeader("blobs/sha256/x", data.length),
        data,
        tarPadding(data.length),
        tarTrailer(),
      ]);
      writeFileSync(join(dir, "a.tar"), archive);
      assert.equal(execFileSync("tar", ["-tf", join(dir, "a.tar")]).toString(), "blobs/sha256/x\n");
      assert.equal(execFileSync("tar", ["-xOf", join(dir, "a.tar"), "blobs/sha256/x"]).toString(), "hello bundle\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("headers round-trip, including base-256 sizes past 8 GiB", () => {
    for (const size of [0, 1, 511, 512, 8 ** 11 - 1, 20 * 1024 ** 3]) {
      const entry = parseTarHeader(tarHeader("n", size), 1024);
      assert.deepEqual(entry, { name: "n", size, offset: 1536, type: "0" });
    }
    assert.equal(tarEntryLength(0), 512);
    assert.equal(tarEntryLength(513), 1536);
  });

  test("a flipped byte in a header is detected; zero blocks end the archive", () => {
    const header = tarHeader("name", 10);
    header[3] = header[3]! ^ 1;
    assert.equal(parseTarHeader(header, 0), "invalid");
    assert.equal(parseTarHeader(Buffer.alloc(512), 0), "end");
  });
});
