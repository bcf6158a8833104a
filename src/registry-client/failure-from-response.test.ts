/**
 * @module
 * What of another registry's error body reaches the user: the kind from the
 * status and codes, and only the first error's code with a short message,
 * cleaned of control characters — never the whole body.
 */
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { describe, it } from "node:test";
import { failureFromResponse } from "./failure-from-response.ts";
import type { HttpResponse } from "./send-request.ts";

function response(status: number, body: unknown): HttpResponse {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return { status, url: new URL("https://r.example/v2/"), headers: {}, body: Readable.from([Buffer.from(text)]) };
}

async function failureOf(status: number, body: unknown) {
  const result = await failureFromResponse(response(status, body), "GET https://r.example/v2/a/manifests/1");
  assert.ok(!result.ok);
  return result.failure;
}

describe("failureFromResponse", () => {
  it("names the first error's code and message", async () => {
    const failure = await failureOf(404, {
      errors: [
        { code: "MANIFEST_UNKNOWN", message: "manifest unknown" },
        { code: "NAME_UNKNOWN", message: "second" },
      ],
    });
    assert.deepEqual([failure.kind, failure.status], ["not-found", 404]);
    assert.equal(
      failure.message,
      "GET https://r.example/v2/a/manifests/1: HTTP 404 (MANIFEST_UNKNOWN: manifest unknown)",
    );
  });

  it("caps the message at 120 characters and strips control and format characters", async () => {
    const message = `line one\r\nFAKE: line two\u001b[31m red\u202e reversed ${"x".repeat(500)}`;
    const failure = await failureOf(403, { errors: [{ code: "DENIED", message }] });
    assert.equal(failure.kind, "forbidden");
    const quoted = /\(DENIED: (.*)\)$/.exec(failure.message)?.[1] ?? "";
    assert.ok([...quoted].length <= 120, quoted);
    assert.ok(quoted.endsWith("…"));
    assert.doesNotMatch(failure.message, /[\u0000-\u001f\u007f\u202e]/u);
    assert.match(quoted, /^line one FAKE: line two \[31m red reversed x+…$/);
  });

  it("ignores codes that are not code-shaped, and bodies that are not OCI errors", async () => {
    const odd = await failureOf(400, { errors: [{ code: "<script>alert(1)</script>", message: "boo" }] });
    assert.equal(odd.message, "GET https://r.example/v2/a/manifests/1: HTTP 400");
    const html = await failureOf(502, "<html>internal secrets here</html>");
    assert.deepEqual([html.kind, html.message], ["unreachable", "GET https://r.example/v2/a/manifests/1: HTTP 502"]);
  });
});
