/**
 * @module
 * The table test of the secret-name rule: every rule alone, several broken at
 * once (all named), and the throwing wrapper.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isDomainError } from "../errors/domain-error.ts";
import { assertSecretName, maxSecretNameLength, validateSecretName } from "./secret-name.ts";

const valid = [
  "docker-secret-name",
  "a",
  "0",
  "quay-io",
  "registry.acme.com",
  "registry-acme-com-5000",
  "a1.b2-c3",
  "x".repeat(maxSecretNameLength),
];

/** input, substrings the message must contain. */
// biome-ignore format: one case per line reads as a table
const invalid: readonly (readonly [string, readonly string[]])[] = [
  ["", ["is empty"]],
  ["x".repeat(300), ["must be at most 253 characters (got 300)"]],
  ["My-Secret", ["contains 'M', 'S': use lower-case letters, digits, '-' or '.'"]],
  ["my_secret", ["contains '_'"]],
  ["my secret", ["contains U+0020"]],
  ["tab\there", ["contains U+0009"]],
  ["café", ["contains 'é'"]],
  ["-secret", ["must begin with a lower-case letter or digit"]],
  [".secret", ["must begin with a lower-case letter or digit"]],
  ["secret-", ["must end with a lower-case letter or digit"]],
  ["secret.", ["must end with a lower-case letter or digit"]],
  ["-", ["must begin", "must end"]],
  ["a..b", ["must not contain \"..\""]],
  ["a.-b", ["each part between dots must begin and end"]],
  ["a-.b", ["each part between dots must begin and end"]],
  ["ABCDEFG", ["and 2 more"]],
  [`_${"A".repeat(300)}`, ["at most 253", "contains '_', 'A'", "must begin", "must end"]],
];

describe("validateSecretName", () => {
  for (const name of valid) {
    test(`accepts ${JSON.stringify(name.slice(0, 30))}`, () => {
      assert.equal(validateSecretName(name), undefined);
    });
  }
  for (const [name, parts] of invalid) {
    test(`refuses ${JSON.stringify(name.slice(0, 30))}`, () => {
      const message = validateSecretName(name);
      assert.ok(message, "expected a problem");
      for (const part of parts) assert.ok(message.includes(part), `${message} lacks ${part}`);
    });
  }

  test("quotes a long name only in part", () => {
    const message = validateSecretName("A".repeat(1000)) ?? "";
    assert.ok(message.length < 400, message);
  });
});

describe("assertSecretName", () => {
  test("returns a valid name", () => {
    assert.equal(assertSecretName("quay-io"), "quay-io");
  });
  test("throws INVALID_REQUEST naming the rule", () => {
    assert.throws(
      () => assertSecretName("Bad"),
      (error) => isDomainError(error, "invalid-input") && error.message.includes("'B'"),
    );
  });
});
