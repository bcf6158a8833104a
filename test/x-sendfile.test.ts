/**
 * @module
 * `storage.filesystem.offload: x-sendfile`: a blob GET that Wharf authorized
 * is answered with `X-Sendfile: <absolute path of the blob's file>` and no
 * body (the proxy in front sends the file); the named file holds the blob's
 * bytes. A HEAD still answers the size without the header, and an unknown
 * blob is still 404.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import { describe, test } from "node:test";
import { pushBlob } from "./support/registry-http.ts";
import { useWharf } from "./support/start-wharf.ts";

describe("blob offload with X-Sendfile", () => {
  const wharf = useWharf({ env: { WHARF_STORAGE__FILESYSTEM__OFFLOAD: "x-sendfile" } });
  const data = Buffer.from("bytes the proxy sends itself\n".repeat(1000));

  test("a GET names the blob's file in X-Sendfile and sends no body", async () => {
    const digest = await pushBlob(wharf.url, "offload/app", data);
    const res = await fetch(`${wharf.url}/v2/offload/app/blobs/${digest}`);
    assert.equal(res.status, 200);
    const file = res.headers.get("x-sendfile");
    assert.ok(file && isAbsolute(file), `X-Sendfile: ${file}`);
    assert.equal(file, join(wharf.dataDir, "blobs", "blobs", "sha256", digest.slice(7, 9), digest.slice(7)));
    assert.equal(res.headers.get("x-accel-redirect"), null);
    assert.equal((await res.arrayBuffer()).byteLength, 0);
    assert.deepEqual(await readFile(file), data);
  });

  test("a HEAD answers the size without handing the file over; an unknown blob is 404", async () => {
    const digest = await pushBlob(wharf.url, "offload/app", data);
    const head = await fetch(`${wharf.url}/v2/offload/app/blobs/${digest}`, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-length"), String(data.length));
    assert.equal(head.headers.get("x-sendfile"), null);
    const unknown = await fetch(`${wharf.url}/v2/offload/app/blobs/sha256:${"0".repeat(64)}`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.headers.get("x-sendfile"), null);
  });
});
