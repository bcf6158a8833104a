/**
 * @module
 * The table test of decoding one `auths` entry the way Docker reads it.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type DecodedAuthEntry, decodeAuthEntry } from "./decode-auth-entry.ts";

const b64 = (text: string) => Buffer.from(text).toString("base64");

// biome-ignore format: one case per line reads as a table
const cases: readonly (readonly [string, unknown, DecodedAuthEntry])[] = [
  ["auth", { auth: b64("jane:pw") }, { kind: "password", username: "jane", password: "pw", email: undefined }],
  ["auth keeps ':' in the password", { auth: b64("jane:a:b:") }, { kind: "password", username: "jane", password: "a:b:", email: undefined }],
  ["auth without padding", { auth: b64("jane:pw1").replace(/=+$/, "") }, { kind: "password", username: "jane", password: "pw1", email: undefined }],
  ["auth wins over fields", { auth: b64("jane:pw"), username: "other", password: "x" }, { kind: "password", username: "jane", password: "pw", email: undefined }],
  ["fields", { username: "ci", password: "s3", email: "ci@acme.com" }, { kind: "password", username: "ci", password: "s3", email: "ci@acme.com" }],
  ["identity token with user", { auth: b64("jane:"), identitytoken: "tok" }, { kind: "identity-token", username: "jane", identityToken: "tok", email: undefined }],
  ["identity token alone", { identitytoken: "tok" }, { kind: "identity-token", username: "<token>", identityToken: "tok", email: undefined }],
  ["empty", {}, { kind: "empty" }],
  ["empty strings and nulls", { auth: "", username: null, email: "" }, { kind: "empty" }],
  ["username only", { username: "jane" }, { kind: "unusable", why: "it has a username but no password" }],
  ["auth with empty password", { auth: b64("jane:") }, { kind: "unusable", why: "it has a username but no password" }],
  ["registry token", { registrytoken: "bearer" }, { kind: "unusable", why: "it holds only a registry token, which expires and cannot be renewed by Wharf" }],
];

describe("decodeAuthEntry", () => {
  for (const [what, entry, expected] of cases) {
    test(what, () => assert.deepEqual(decodeAuthEntry("quay.io", entry), expected));
  }

  // biome-ignore format: one case per line reads as a table
  const refusals: readonly (readonly [unknown, string])[] = [
    [null, 'auths entry "quay.io" must be an object'],
    [["a"], "must be an object"],
    [{ auth: 42 }, '"auth" must be a string'],
    [{ auth: "a" }, "is not valid base64"],
    [{ auth: "ab$d" }, "is not valid base64"],
    [{ auth: b64("nocolon") }, "has no ':'"],
  ];
  for (const [entry, part] of refusals) {
    test(`refuses ${JSON.stringify(entry)}`, () => {
      assert.throws(
        () => decodeAuthEntry("quay.io", entry),
        (error) => error instanceof Error && error.message.includes(part),
      );
    });
  }
});
