import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Principal } from "./access.ts";
import { createRegistryTokens, type RegistryTokens } from "./registry-tokens.ts";
import { loadSigningKeys } from "./signing-keys.ts";

const alice: Principal = { kind: "user", name: "alice", userId: 7, isAdmin: false };
const pull = [{ type: "repository", name: "alice/app", actions: ["pull"] }] as const;

describe("registry tokens (a driven clock)", () => {
  let dir: string;
  let tokens: RegistryTokens;
  let now = Date.UTC(2026, 0, 1, 12);
  const clock = { now: () => now };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "wharf-tokens-"));
    const keys = await loadSigningKeys(dir);
    tokens = createRegistryTokens(
      keys,
      { issuer: "wharf", service: "wharf", ttlSeconds: 2, refreshTtlSeconds: 60 },
      clock,
    );
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test("an access token is valid until its expiry, whether cached or never used", async () => {
    const used = await tokens.issueAccess(alice, [...pull]);
    const unused = await tokens.issueAccess(alice, [...pull]);
    const verified = await tokens.verifyAccess(used);
    assert.equal(verified?.principal, "user:7");
    assert.equal(verified?.expiresAt, now + 2000);
    now += 1999;
    assert.ok(await tokens.verifyAccess(used), "the cached token 1 ms before its expiry");
    now += 1;
    assert.equal(await tokens.verifyAccess(used), undefined, "the cached token at its expiry");
    assert.equal(await tokens.verifyAccess(unused), undefined, "the never-used token at its expiry");
  });

  test("a token is not yet valid more than 10 s before it was issued", async () => {
    const token = await tokens.issueAccess(alice, [...pull]);
    now -= 11_000;
    assert.equal(await tokens.verifyAccess(token), undefined);
    now += 11_000;
  });

  test("a refresh token carries the user's credentials epoch and expires", async () => {
    const refresh = await tokens.issueRefresh(alice, 3);
    assert.deepEqual(await tokens.verifyRefresh(refresh), { principal: "user:7", epoch: 3 });
    const old = await tokens.issueRefresh(alice);
    assert.deepEqual(await tokens.verifyRefresh(old), { principal: "user:7", epoch: 0 }, "no epoch reads as 0");
    assert.equal(await tokens.verifyRefresh(await tokens.issueAccess(alice, [])), undefined, "an access token");
    now += 60_000;
    assert.equal(await tokens.verifyRefresh(refresh), undefined, "after its lifetime");
  });
});
