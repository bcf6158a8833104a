/**
 * @module
 * Small readers for the fields of an already-parsed manifest document. Each
 * takes the JSON path of the field it reads ("layers[2].digest") and throws
 * a `manifest-invalid` ManifestError naming that path, so every manifest error says what is
 * wrong and where without the callers repeating the wording.
 */
import { ManifestError } from "./manifest-error.ts";

/** A JSON object as JSON.parse returns it. */
export type JsonObject = Record<string, unknown>;

/** A `manifest-invalid` error whose message starts with `path`, or is `message` alone when path is "". */
export function manifestInvalid(path: string, message: string): ManifestError {
  return new ManifestError("manifest-invalid", path === "" ? message : `${path}: ${message}`);
}

/** True for a JSON object: not null, not an array. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A short, safe rendering of a bad value for an error message: the JSON type
 * for objects and arrays, the JSON text (cut to 100 characters) otherwise.
 */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") {
    const cut = value.length > 100 ? `${value.slice(0, 100)}…` : value;
    return JSON.stringify(cut);
  }
  return String(value);
}

/** The object at `path`; throws when it is anything else (null and arrays included). */
export function readObject(value: unknown, path: string): JsonObject {
  if (!isJsonObject(value)) throw manifestInvalid(path, `must be an object, got ${describeValue(value)}`);
  return value;
}

/** The array at `path`, or undefined when absent; throws when present but not an array. */
export function readOptionalArray(value: unknown, path: string): unknown[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw manifestInvalid(path, `must be an array, got ${describeValue(value)}`);
  return value;
}

/** The string at `path`, or undefined when absent; throws when present but not a string. */
export function readOptionalString(value: unknown, path: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string") {
    throw manifestInvalid(path, `must be a string, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * An array of strings at `path`, or undefined when absent. An empty array is
 * returned as is; any non-string element is named by its index.
 */
export function readOptionalStringArray(value: unknown, path: string): string[] | undefined {
  const array = readOptionalArray(value, path);
  if (array === undefined) return undefined;
  for (let i = 0; i < array.length; i++) {
    if (typeof array[i] !== "string") {
      throw manifestInvalid(`${path}[${i}]`, `must be a string, got ${describeValue(array[i])}`);
    }
  }
  return array as string[];
}

/**
 * A string-to-string map (annotations) at `path`, or undefined when absent.
 * An empty object is returned as is. Keys are not checked against the
 * reverse-domain convention: image-spec makes that a SHOULD, not a MUST.
 */
export function readAnnotations(value: unknown, path: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  const map = readObject(value, path);
  for (const key of Object.keys(map)) {
    if (typeof map[key] !== "string") {
      const where = `${path}[${JSON.stringify(key)}]`;
      throw manifestInvalid(where, `must be a string, got ${describeValue(map[key])}`);
    }
  }
  return map as Record<string, string>;
}
