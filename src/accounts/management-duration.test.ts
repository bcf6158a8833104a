/**
 * @module
 * Durations and `since` values as people type them, and the refusals that
 * name what to write instead.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { isDomainError } from "../errors/domain-error.ts";
import { parseDuration, parseSince } from "./management-duration.ts";

test("durations in seconds, minutes, hours, days, weeks and years", () => {
  assert.equal(parseDuration("90s", "expiry"), 90_000);
  assert.equal(parseDuration("15m", "expiry"), 900_000);
  assert.equal(parseDuration("12h", "expiry"), 43_200_000);
  assert.equal(parseDuration("30d", "expiry"), 30 * 86_400_000);
  assert.equal(parseDuration("2w", "expiry"), 14 * 86_400_000);
  assert.equal(parseDuration("1y", "expiry"), 365 * 86_400_000);
});

test("anything else is INVALID_REQUEST naming the field and an example", () => {
  for (const bad of ["", "0d", "30", "30x", "-1d", "1.5h", "1234567d", "d"]) {
    assert.throws(
      () => parseDuration(bad, "expiry"),
      (error) => isDomainError(error, "invalid-input") && /expiry .* e\.g\. 30d/.test(error.message),
      bad,
    );
  }
});

test("since is an ISO time or a duration back from now", () => {
  const now = Date.parse("2025-06-01T12:00:00Z");
  assert.equal(parseSince("24h", now), now - 86_400_000);
  assert.equal(parseSince("2025-05-31T00:00:00Z", now), Date.parse("2025-05-31T00:00:00Z"));
  assert.equal(parseSince("2025-05-31", now), Date.parse("2025-05-31"));
  assert.throws(
    () => parseSince("2025-13-45", now),
    (error) => isDomainError(error, "invalid-input"),
  );
  assert.throws(
    () => parseSince("yesterday", now),
    (error) => isDomainError(error, "invalid-input"),
  );
});
