/**
 * @module
 * The login rate limiter under a burst: hundreds of concurrent wrong
 * passwords for one account from one address, to the token endpoint and as
 * Basic on `/v2`, must get at most the per-account-and-address limit (10)
 * checked by scrypt — counted on `/metrics` as `wharf_password_checks_total`
 * — and the right password sent in the middle of the burst must be refused
 * with 429 like every other attempt past the limit. Each burst comes from an
 * address of its own (127.0.0.x), so the tests do not share counters.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { requestFrom } from "./support/http-from.ts";
import { basicAuth } from "./support/registry-auth.ts";
import { adminPassword, useWharf } from "./support/start-wharf.ts";

const burst = 300;
const rightAt = 200;
const limit = 10;

/** The `wharf_password_checks_total` series on `/metrics`, by result. */
async function passwordChecks(base: string): Promise<{ match: number; mismatch: number }> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const read = (result: string) =>
    Number(new RegExp(`^wharf_password_checks_total\\{result="${result}"\\} (\\d+)$`, "m").exec(text)?.[1] ?? 0);
  return { match: read("match"), mismatch: read("mismatch") };
}

describe("a burst of concurrent wrong passwords (a server of its own)", () => {
  // 300 connections at once from one address: above the default per-address cap.
  const wharf = useWharf({ auth: true, env: { WHARF_LIMITS__MAX_CONNECTIONS_PER_ADDRESS: "1024" } });

  test(`${burst} concurrent guesses get at most ${limit} password checks; the right password at #${rightAt} gets 429`, async () => {
    const before = await passwordChecks(wharf.url);
    const from = "127.0.0.31";
    const attempts = Array.from({ length: burst }, (_, n) => {
      const secret = n + 1 === rightAt ? adminPassword : `wrong-guess-${n + 1}`;
      const headers = { authorization: basicAuth("admin", secret) };
      // Half to the token endpoint, half as Basic on the registry API.
      const url = n % 2 === 0 ? `${wharf.url}/auth/token?service=wharf` : `${wharf.url}/v2/`;
      return requestFrom(from, url, { headers });
    });
    const answers = await Promise.all(attempts);

    const statuses = new Map<number, number>();
    for (const a of answers) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
    const summary = JSON.stringify([...statuses]);
    assert.deepEqual([...statuses.keys()].sort(), [401, 429], `statuses: ${summary}`);
    assert.ok((statuses.get(401) ?? 0) <= limit, `more than ${limit} guesses were answered 401: ${summary}`);
    const right = answers[rightAt - 1]!;
    assert.equal(right.status, 429, `the right password inside the burst: ${right.text}`);
    assert.ok(Number(right.headers.get("retry-after")) > 0, "a 429 names its Retry-After");

    const after = await passwordChecks(wharf.url);
    const checked = after.mismatch - before.mismatch;
    assert.ok(checked >= 1 && checked <= limit, `${checked} passwords were checked by scrypt (limit ${limit})`);
    assert.equal(after.match, before.match, "the right password was checked although the account was blocked");
  });

  test("another address is not blocked, and its right password is checked once and then remembered", async () => {
    const before = await passwordChecks(wharf.url);
    for (let n = 0; n < 3; n++) {
      const ok = await requestFrom("127.0.0.32", `${wharf.url}/v2/`, {
        headers: { authorization: basicAuth("admin", adminPassword) },
      });
      assert.equal(ok.status, 200, ok.text);
    }
    const after = await passwordChecks(wharf.url);
    assert.equal(after.match - before.match, 1, "one scrypt check, then the verifier's cache");
  });

  test("API tokens are not limited: a blocked address still uses a token", async () => {
    const login = await requestFrom("127.0.0.33", `${wharf.url}/api/v1/login`, {
      method: "POST",
      headers: { authorization: basicAuth("admin", adminPassword) },
    });
    assert.equal(login.status, 201, login.text);
    const token = (JSON.parse(login.text) as { token: string }).token;
    await Promise.all(
      Array.from({ length: 40 }, (_, n) =>
        requestFrom("127.0.0.33", `${wharf.url}/v2/`, { headers: { authorization: basicAuth("admin", `no-${n}`) } }),
      ),
    );
    const blocked = await requestFrom("127.0.0.33", `${wharf.url}/v2/`, {
      headers: { authorization: basicAuth("admin", adminPassword) },
    });
    assert.equal(blocked.status, 429, "the password is blocked from that address");
    const viaToken = await requestFrom("127.0.0.33", `${wharf.url}/v2/`, {
      headers: { authorization: basicAuth("admin", token) },
    });
    assert.equal(viaToken.status, 200, `the API token from the same address: ${viaToken.text}`);
  });
});
