/**
 * @module
 * `familiarString` on hand-built references, including shapes the parser
 * never produces, to pin Docker's shortening rules on their own.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { familiarString } from "./familiar-string.ts";

const digest = `sha256:${"b".repeat(64)}`;

test("Docker Hub drops its domain, and library/ before a single component", () => {
  assert.equal(familiarString({ domain: "docker.io", path: "library/alpine", tag: "3.5" }), "alpine:3.5");
  assert.equal(familiarString({ domain: "docker.io", path: "fredysa/alpine" }), "fredysa/alpine");
  assert.equal(familiarString({ domain: "docker.io", path: "library/a/b" }), "library/a/b");
  assert.equal(familiarString({ domain: "docker.io", path: "libraryx" }), "libraryx");
});

test("other registries keep their domain, even one that looks like Docker Hub", () => {
  assert.equal(familiarString({ domain: "localhost:5000", path: "library/alpine" }), "localhost:5000/library/alpine");
  assert.equal(familiarString({ domain: "index.docker.io", path: "library/alpine" }), "index.docker.io/library/alpine");
});

test("tag then digest are appended as written, no default tag", () => {
  assert.equal(familiarString({ domain: "docker.io", path: "library/alpine", digest }), `alpine@${digest}`);
  assert.equal(
    familiarString({ domain: "quay.io", path: "org/api", tag: "v1", digest }),
    `quay.io/org/api:v1@${digest}`,
  );
});
