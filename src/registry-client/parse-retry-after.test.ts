/**
 * @module
 * Retry-After in both of its forms, and what is not Retry-After.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseRetryAfter } from "./parse-retry-after.ts";

const now = Date.parse("2025-03-01T12:00:00Z");

test("delay-seconds", () => {
  assert.equal(parseRetryAfter("0", now), 0);
  assert.equal(parseRetryAfter("120", now), 120);
  assert.equal(parseRetryAfter(" 7 ", now), 7);
});

test("HTTP dates, rounded up, never negative", () => {
  assert.equal(parseRetryAfter("Sat, 01 Mar 2025 12:00:30 GMT", now), 30);
  assert.equal(parseRetryAfter("Sat, 01 Mar 2025 12:00:00 GMT", now + 500), 0);
  assert.equal(parseRetryAfter("Sat, 01 Mar 2025 11:00:00 GMT", now), 0);
  assert.equal(parseRetryAfter(new Date(now + 1500).toUTCString(), now), 1);
});

test("absent or unreadable values give undefined", () => {
  for (const value of [undefined, "", "soon", "-1", "1.5", "10s", "99999999999999999999"]) {
    assert.equal(parseRetryAfter(value, now), undefined, String(value));
  }
});
