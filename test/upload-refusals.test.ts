/**
 * @module
 * An upload the server refuses while the body is still streaming (over
 * limits.maxBlobBytes here; a full disk takes the same path, see
 * test/campaigns/disk-full-campaign.ts) answers with its error envelope: the
 * server stops storing, discards the rest of the body and lets the client read
 * the answer, instead of cutting the connection (which clients report as a
 * reset, with no reason). Found by the disk-full campaign.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { useWharf } from "./support/start-wharf.ts";

const wharf = useWharf({ env: { WHARF_LIMITS__MAX_BLOB_BYTES: "600" } });

/** 4 MiB in 64 KiB chunks, with no Content-Length (chunked transfer encoding). */
function streamedBody(): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= 64) return controller.close();
      sent++;
      controller.enqueue(new Uint8Array(64 * 1024).fill(sent));
    },
  });
}

async function send(url: string, method: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method, headers, body: streamedBody(), duplex: "half" } as RequestInit);
  return { status: res.status, body: (await res.json()) as { errors: { code: string; message: string }[] } };
}

test("a monolithic push refused mid-stream gets its error, not a reset", async () => {
  const digest = `sha256:${"0".repeat(64)}`;
  const answer = await send(`${wharf.url}/v2/shop/big/blobs/uploads/?digest=${digest}`, "POST");
  assert.equal(answer.body.errors[0]?.code, "SIZE_INVALID");
  assert.match(answer.body.errors[0]!.message, /limits\.maxBlobBytes/);
});

test("a chunk refused mid-stream gets its error, and the server goes on serving", async () => {
  const opened = await fetch(`${wharf.url}/v2/shop/big/blobs/uploads/`, { method: "POST" });
  assert.equal(opened.status, 202);
  const location = new URL(opened.headers.get("location")!, wharf.url).href;
  const answer = await send(location, "PATCH", { "content-type": "application/octet-stream" });
  assert.equal(answer.body.errors[0]?.code, "SIZE_INVALID");
  assert.equal((await fetch(`${wharf.url}/v2/`)).status, 200);
});
