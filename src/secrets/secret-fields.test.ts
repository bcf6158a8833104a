/**
 * @module
 * Table tests of the credential-field rules: username, password, e-mail, and
 * the combined check that lists every problem without echoing the password.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isDomainError } from "../errors/domain-error.ts";
import {
  assertSecretFields,
  checkSecretFields,
  validateEmail,
  validatePassword,
  validateUsername,
} from "./secret-fields.ts";

/** validator, input, expected substring ("" = valid). */
type Case = readonly [(value: string) => string | undefined, string, string];

const u = validateUsername;
const p = validatePassword;
const e = validateEmail;

// biome-ignore format: one case per line reads as a table
const cases: readonly Case[] = [
  [u, "janedoe", ""],
  [u, "robot$acme+ci", ""],
  [u, "AWS", ""],
  [u, "jöse", ""],
  [u, "x".repeat(255), ""],
  [u, "é".repeat(255), ""],
  [u, "", "username is empty"],
  [u, "x".repeat(256), "at most 255 characters (got 256)"],
  [u, "jane\n", "control character"],
  [u, "ja\tne", "control character"],
  [u, "ja\u0085ne", "control character"],
  [u, "jane:doe", "must not contain ':'"],
  [p, "s3cr3t", ""],
  [p, "pa:ss:word", ""],
  [p, "x".repeat(8192), ""],
  [p, "", "password is empty"],
  [p, "x".repeat(8193), "at most 8192 bytes (got 8193)"],
  [p, "é".repeat(4097), "at most 8192 bytes (got 8194)"],
  [e, "", ""],
  [e, "jane@example.com", ""],
  [e, "jane.doe+ci@mail.example.co.uk", ""],
  [e, "o'brien@example.com", ""],
  [e, `${"a".repeat(64)}@example.com`, ""],
  [e, "jane", "not a valid address"],
  [e, "@example.com", "not a valid address"],
  [e, "jane@", "not a valid address"],
  [e, "jane@localhost", "not a valid address"],
  [e, "jane@-example.com", "not a valid address"],
  [e, "jane@example..com", "not a valid address"],
  [e, ".jane@example.com", "not a valid address"],
  [e, "ja..ne@example.com", "not a valid address"],
  [e, "ja ne@example.com", "not a valid address"],
  [e, "jane@@example.com", "not a valid address"],
  [e, `${"a".repeat(65)}@example.com`, "not a valid address"],
  [e, `a@${"b".repeat(60)}.${"c".repeat(60)}.${"d".repeat(60)}.${"e".repeat(60)}.${"f".repeat(9)}.com`, "at most 254 characters"],
];

describe("secret fields", () => {
  for (const [validate, input, part] of cases) {
    test(`${validate.name}(${JSON.stringify(input.slice(0, 30))}) ${part === "" ? "accepts" : "refuses"}`, () => {
      const message = validate(input);
      if (part === "") assert.equal(message, undefined);
      else assert.ok(message?.includes(part), `${message} lacks ${part}`);
    });
  }

  test("an absent e-mail is valid", () => {
    assert.equal(validateEmail(undefined), undefined);
  });

  test("checkSecretFields lists every problem in field order", () => {
    assert.deepEqual(checkSecretFields({ username: "jane", password: "pw" }), []);
    const problems = checkSecretFields({ username: "a:b", password: "", email: "nope" });
    assert.equal(problems.length, 3);
    assert.match(problems[0]!, /username/);
    assert.match(problems[1]!, /password/);
    assert.match(problems[2]!, /e-mail/);
  });

  test("assertSecretFields throws INVALID_REQUEST and never echoes the password", () => {
    const password = `hunter2${"x".repeat(9000)}`;
    assert.throws(
      () => assertSecretFields({ username: "jane", password }),
      (error) => isDomainError(error, "invalid-input") && !error.message.includes("hunter2"),
    );
    assert.doesNotThrow(() => assertSecretFields({ username: "jane", password: "pw", email: "" }));
  });
});
