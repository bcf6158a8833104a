/**
 * @module
 * Token reuse, expiry, sharing of in-flight requests, and replacement of a
 * token the registry refused.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { failed, type RegistryResult, success } from "./registry-result.ts";
import { TokenCache } from "./token-cache.ts";
import type { IssuedToken } from "./token-request.ts";

function counter(lifetime = 60) {
  let calls = 0;
  const fetchToken = async (): Promise<RegistryResult<IssuedToken>> => {
    calls += 1;
    return success({ token: `t${calls}`, expiresInSeconds: lifetime });
  };
  return { fetchToken, calls: () => calls };
}

async function tokenOf(promise: Promise<RegistryResult<IssuedToken>>): Promise<string> {
  const result = await promise;
  assert.ok(result.ok);
  return result.value.token;
}

test("reuses a token until shortly before it expires", async () => {
  let now = 1_000_000;
  const cache = new TokenCache(() => now);
  const source = counter(300);
  assert.equal(await tokenOf(cache.get("k", source.fetchToken)), "t1");
  now += 289_000;
  assert.equal(await tokenOf(cache.get("k", source.fetchToken)), "t1");
  now += 2_000; // inside the last 10 s
  assert.equal(await tokenOf(cache.get("k", source.fetchToken)), "t2");
  assert.equal(await tokenOf(cache.get("other", source.fetchToken)), "t3");
});

test("a short-lived token is used for the first half of its life", async () => {
  let now = 0;
  const cache = new TokenCache(() => now);
  const source = counter(4);
  await cache.get("k", source.fetchToken);
  now = 1_900;
  assert.equal(await tokenOf(cache.get("k", source.fetchToken)), "t1");
  now = 2_000;
  assert.equal(await tokenOf(cache.get("k", source.fetchToken)), "t2");
});

test("concurrent callers share one request", async () => {
  const cache = new TokenCache();
  const source = counter();
  const tokens = await Promise.all([1, 2, 3].map(() => tokenOf(cache.get("k", source.fetchToken))));
  assert.deepEqual(tokens, ["t1", "t1", "t1"]);
  assert.equal(source.calls(), 1);
});

test("a refused token is replaced once, not by every caller", async () => {
  const cache = new TokenCache();
  const source = counter();
  await cache.get("k", source.fetchToken);
  assert.equal(await tokenOf(cache.get("k", source.fetchToken, "t1")), "t2");
  assert.equal(await tokenOf(cache.get("k", source.fetchToken, "t1")), "t2");
  assert.equal(source.calls(), 2);
});

test("failures are not cached", async () => {
  const cache = new TokenCache();
  const refusal = async () => failed<IssuedToken>("unauthorized", "no");
  assert.equal((await cache.get("k", refusal)).ok, false);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(await tokenOf(cache.get("k", counter().fetchToken)), "t1");
});
