/**
 * @module
 * The table test of the Kubernetes namespace rule (RFC 1123 label).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { validateNamespaceName } from "./namespace-name.ts";

// biome-ignore format: one case per line reads as a table
const cases: readonly (readonly [string, string])[] = [
  ["default", ""],
  ["kube-system", ""],
  ["a", ""],
  ["0ns9", ""],
  ["n".repeat(63), ""],
  ["", "is empty"],
  ["n".repeat(64), "at most 63 characters (got 64)"],
  ["Default", "is invalid"],
  ["my.ns", "is invalid"],
  ["my_ns", "is invalid"],
  ["-ns", "is invalid"],
  ["ns-", "is invalid"],
  ["n s", "is invalid"],
];

describe("validateNamespaceName", () => {
  for (const [namespace, part] of cases) {
    test(`${part === "" ? "accepts" : "refuses"} ${JSON.stringify(namespace.slice(0, 20))}`, () => {
      const message = validateNamespaceName(namespace);
      if (part === "") assert.equal(message, undefined);
      else assert.ok(message?.includes(part), `${message} lacks ${part}`);
    });
  }
});
