import assert from "node:assert/strict";
import { test } from "node:test";
import type { FailureKind } from "../registry-client/registry-result.ts";
import { staleReason, upstreamError } from "./upstream-failure.ts";

const secretDetail = "GET http://10.0.0.5:5000/v2/acme/api/manifests/1.0: HTTP 401 (UNAUTHORIZED: bad user acme)";

test("each failure kind becomes a client-safe error without the upstream's message", () => {
  const cases: [FailureKind, string][] = [
    ["not-found", "manifest-unknown"],
    ["unauthorized", "unauthorized"],
    ["forbidden", "unauthorized"],
    ["rate-limited", "rate-limited"],
    ["unreachable", "unavailable"],
    ["tls", "unavailable"],
    ["protocol", "unavailable"],
  ];
  for (const [kind, expected] of cases) {
    const error = upstreamError({ kind, message: secretDetail }, "manifest", "manifest 1.0");
    assert.equal(error.kind, expected, kind);
    assert.doesNotMatch(error.message, /10\.0\.0\.5|bad user/);
  }
  assert.equal(upstreamError({ kind: "not-found", message: "" }, "blob", "blob x").kind, "blob-unknown");
  assert.equal(upstreamError({ kind: "not-found", message: "" }, "tags", "repository x").kind, "name-unknown");
  assert.equal(
    upstreamError({ kind: "rate-limited", message: "", retryAfterSeconds: 7 }, "blob", "x").retryAfterSeconds,
    7,
  );
});

test("only outages let cached content stand in", () => {
  assert.equal(staleReason({ kind: "unreachable", message: "" }), "upstream unavailable");
  assert.equal(staleReason({ kind: "rate-limited", message: "" }), "upstream rate-limited");
  assert.equal(staleReason({ kind: "not-found", message: "" }), undefined);
  assert.equal(staleReason({ kind: "unauthorized", message: "" }), undefined);
});
