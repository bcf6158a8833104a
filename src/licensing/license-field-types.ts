/**
 * @module
 * The types of custom license fields and how a value is checked against a
 * field: `integer` (a safe integer), `string` (up to 4096 characters),
 * `boolean` (true/false), `enum` (one of the field's choices) and `secret`
 * (a string, shown redacted by the management views but delivered in the
 * license's charts and signed document). Values are stored as canonical
 * text and typed again when read.
 */
import { LicensingError } from "./licensing-error.ts";

/** The field types. */
export const licenseFieldTypes = ["integer", "string", "boolean", "enum", "secret"] as const;

/** One field type. */
export type LicenseFieldType = (typeof licenseFieldTypes)[number];

/** A field as the licensing services see it. */
export interface LicenseFieldDefinition {
  readonly name: string;
  readonly type: LicenseFieldType;
  /** The allowed values of an `enum` field; null otherwise. */
  readonly choices: readonly string[] | null;
}

/** A typed field value. */
export type LicenseFieldValue = number | string | boolean;

const namePattern = /^[a-z][A-Za-z0-9_]{0,62}$/;
const choicePattern = /^[A-Za-z0-9._-]{1,63}$/;
const maxString = 4096;

/** Checks a new field's name, type and choices; LicensingError `invalid` names the broken rule. */
export function checkFieldDefinition(name: string, type: string, choices: readonly string[] | undefined) {
  if (!namePattern.test(name)) {
    throw new LicensingError(
      "invalid",
      "a field name starts with a lower-case letter, then letters, digits or '_', up to 63 (e.g. seats, tier)",
    );
  }
  if (!(licenseFieldTypes as readonly string[]).includes(type)) {
    throw new LicensingError("invalid", `a field type is one of ${licenseFieldTypes.join(", ")}`);
  }
  if (type === "enum") {
    if (!choices || choices.length === 0 || choices.length > 100 || !choices.every((c) => choicePattern.test(c))) {
      throw new LicensingError("invalid", "an enum field needs 1-100 choices of 1-63 letters, digits, '.', '_', '-'");
    }
    if (new Set(choices).size !== choices.length) throw new LicensingError("invalid", "enum choices must differ");
  } else if (choices && choices.length > 0) {
    throw new LicensingError("invalid", "only enum fields take choices");
  }
  return { name, type: type as LicenseFieldType, choices: type === "enum" ? [...choices!] : null };
}

/** `raw` (text or a JSON value) checked against `field`, in canonical text form. */
export function canonicalFieldValue(field: LicenseFieldDefinition, raw: unknown): string {
  const bad = (what: string) =>
    new LicensingError("invalid", `field ${field.name} is ${what}; ${JSON.stringify(String(raw).slice(0, 40))} is not`);
  switch (field.type) {
    case "integer": {
      const text = typeof raw === "number" ? String(raw) : String(raw).trim();
      if (!/^-?\d{1,16}$/.test(text) || !Number.isSafeInteger(Number(text))) throw bad("an integer");
      return String(Number(text));
    }
    case "boolean": {
      if (raw === true || raw === "true") return "true";
      if (raw === false || raw === "false") return "false";
      throw bad("a boolean (true or false)");
    }
    case "enum": {
      if (typeof raw !== "string" || !field.choices?.includes(raw)) throw bad(`one of ${field.choices?.join(", ")}`);
      return raw;
    }
    default: {
      if (typeof raw !== "string" || raw.length > maxString) throw bad(`a string of up to ${maxString} characters`);
      return raw;
    }
  }
}

/** The typed value of canonical `text` for `field`. */
export function typedFieldValue(field: Pick<LicenseFieldDefinition, "type">, text: string): LicenseFieldValue {
  if (field.type === "integer") return Number(text);
  if (field.type === "boolean") return text === "true";
  return text;
}
