/**
 * @module
 * Field definitions and values: each type takes what it should, in
 * canonical form, and refuses the rest with a message naming the field.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { canonicalFieldValue, checkFieldDefinition, typedFieldValue } from "./license-field-types.ts";

test("definitions: names, types and enum choices are checked", () => {
  assert.deepEqual(checkFieldDefinition("tier", "enum", ["gold", "silver"]), {
    name: "tier",
    type: "enum",
    choices: ["gold", "silver"],
  });
  assert.deepEqual(checkFieldDefinition("seats", "integer", undefined).choices, null);
  assert.throws(() => checkFieldDefinition("Seats", "integer", undefined), /field name/);
  assert.throws(() => checkFieldDefinition("seats", "float", undefined), /integer, string, boolean, enum, secret/);
  assert.throws(() => checkFieldDefinition("tier", "enum", []), /enum field needs/);
  assert.throws(() => checkFieldDefinition("tier", "enum", ["a", "a"]), /differ/);
  assert.throws(() => checkFieldDefinition("seats", "integer", ["1"]), /only enum/);
});

test("values: canonical text per type, typed again when read", () => {
  const seats = { name: "seats", type: "integer", choices: null } as const;
  assert.equal(canonicalFieldValue(seats, " 025"), "25");
  assert.equal(canonicalFieldValue(seats, 7), "7");
  assert.equal(typedFieldValue(seats, "25"), 25);
  assert.throws(() => canonicalFieldValue(seats, "2.5"), /field seats is an integer/);
  assert.throws(() => canonicalFieldValue(seats, "99999999999999999"), /integer/);
  const sso = { name: "sso", type: "boolean", choices: null } as const;
  assert.equal(canonicalFieldValue(sso, "true"), "true");
  assert.equal(typedFieldValue(sso, "false"), false);
  assert.throws(() => canonicalFieldValue(sso, "yes"), /boolean/);
  const tier = { name: "tier", type: "enum", choices: ["gold", "silver"] } as const;
  assert.equal(canonicalFieldValue(tier, "gold"), "gold");
  assert.throws(() => canonicalFieldValue(tier, "bronze"), /one of gold, silver/);
  const key = { name: "apiKey", type: "secret", choices: null } as const;
  assert.equal(canonicalFieldValue(key, "s3cr3t"), "s3cr3t");
  assert.throws(() => canonicalFieldValue(key, "x".repeat(5000)), /up to 4096/);
});
