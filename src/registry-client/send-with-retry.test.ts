/**
 * @module
 * The retry policy against a scripted HTTP server on loopback. A real
 * registry cannot be made to fail on demand, so this one small server
 * answers each request from a script (503 then 200, 429 with Retry-After…).
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { allowLoopback } from "../net/testing/allow-loopback.ts";
import { sendWithRetry } from "./send-with-retry.ts";

type Reply = { status: number; headers?: Record<string, string> };

let server: Server;
let base: string;
const scripts = new Map<string, Reply[]>();
const hits = new Map<string, number>();

before(async () => {
  server = createServer((request, response) => {
    const path = request.url ?? "";
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const reply = scripts.get(path)?.shift() ?? { status: 200 };
    response.writeHead(reply.status, reply.headers).end("body");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const policy = { retries: 3, retryDelayMs: 5, maxRetryAfterSeconds: 1 };

async function send(path: string, replies: Reply[], method: "GET" | "POST" = "GET") {
  scripts.set(path, replies);
  const url = new URL(path, base);
  const result = await sendWithRetry({ method, url, headers: {}, timeoutMs: 5_000, guard: allowLoopback }, policy);
  if (result.ok) result.value.body.resume();
  return { status: result.ok ? result.value.status : result.failure.kind, hits: hits.get(path) };
}

describe("sendWithRetry", () => {
  it("retries 5xx with backoff until success", async () => {
    assert.deepEqual(await send("/a", [{ status: 503 }, { status: 502 }]), { status: 200, hits: 3 });
  });

  it("gives up after the allowed retries and returns the last response", async () => {
    const replies = Array.from({ length: 5 }, () => ({ status: 500 }));
    assert.deepEqual(await send("/b", replies), { status: 500, hits: 4 });
  });

  it("does not retry 501, 4xx or POST", async () => {
    assert.deepEqual(await send("/c", [{ status: 501 }]), { status: 501, hits: 1 });
    assert.deepEqual(await send("/d", [{ status: 404 }]), { status: 404, hits: 1 });
    assert.deepEqual(await send("/e", [{ status: 503 }], "POST"), { status: 503, hits: 1 });
  });

  it("waits out a short Retry-After on 429", async () => {
    const started = Date.now();
    const replies = [{ status: 429, headers: { "retry-after": "1" } }];
    assert.deepEqual(await send("/f", replies), { status: 200, hits: 2 });
    assert.ok(Date.now() - started >= 950, "waited about a second");
  });

  it("returns a long Retry-After at once", async () => {
    const replies = [{ status: 429, headers: { "retry-after": "3600" } }];
    assert.deepEqual(await send("/g", replies), { status: 429, hits: 1 });
  });

  it("retries refused connections, then reports them unreachable", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const url = new URL(`http://127.0.0.1:${port}/v2/`);
    const result = await sendWithRetry(
      { method: "GET", url, headers: {}, timeoutMs: 1_000, guard: allowLoopback },
      policy,
    );
    assert.equal(result.ok ? "ok" : result.failure.kind, "unreachable");
  });
});
