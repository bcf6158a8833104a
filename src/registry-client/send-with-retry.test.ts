/**
 * @module
 * The retry policy against a scripted HTTP server on loopback. A real
 * registry cannot be made to fail on demand, so this one small server
 * answers each request from a script (503 then 200, 429 with Retry-After…).
 * The waits between attempts go to an injected sleep that records them and
 * returns at once, so no test waits on the wall clock.
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

/** Every wait the policy asked for, in milliseconds, since the last `send`. */
let waits: number[] = [];
const policy = {
  retries: 3,
  retryDelayMs: 100,
  maxRetryAfterSeconds: 1,
  sleep: async (ms: number) => {
    waits.push(ms);
  },
};

async function send(path: string, replies: Reply[], method: "GET" | "POST" = "GET") {
  scripts.set(path, replies);
  waits = [];
  const url = new URL(path, base);
  const result = await sendWithRetry({ method, url, headers: {}, timeoutMs: 5_000, guard: allowLoopback }, policy);
  if (result.ok) result.value.body.resume();
  return { status: result.ok ? result.value.status : result.failure.kind, hits: hits.get(path) };
}

describe("sendWithRetry", () => {
  it("retries 5xx with exponential backoff and jitter until success", async () => {
    assert.deepEqual(await send("/a", [{ status: 503 }, { status: 502 }]), { status: 200, hits: 3 });
    assert.equal(waits.length, 2);
    assert.ok(waits[0]! >= 50 && waits[0]! <= 100, `first wait ${waits[0]} in [50, 100]`);
    assert.ok(waits[1]! >= 100 && waits[1]! <= 200, `second wait ${waits[1]} in [100, 200]`);
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
    const replies = [{ status: 429, headers: { "retry-after": "1" } }];
    assert.deepEqual(await send("/f", replies), { status: 200, hits: 2 });
    assert.deepEqual(waits, [1000], "waited the second the registry asked for");
  });

  it("returns a long Retry-After at once", async () => {
    const replies = [{ status: 429, headers: { "retry-after": "3600" } }];
    assert.deepEqual(await send("/g", replies), { status: 429, hits: 1 });
    assert.deepEqual(waits, []);
  });

  it("retries refused connections, then reports them unreachable", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const url = new URL(`http://127.0.0.1:${port}/v2/`);
    waits = [];
    const result = await sendWithRetry(
      { method: "GET", url, headers: {}, timeoutMs: 1_000, guard: allowLoopback },
      policy,
    );
    assert.equal(result.ok ? "ok" : result.failure.kind, "unreachable");
    assert.equal(waits.length, 3, "three retries, each after a backoff");
  });
});
