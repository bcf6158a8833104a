/**
 * @module
 * JSON.parse for input from strangers. JSON.parse itself is fast but
 * unbounded: two million nested arrays in 4 MB block the event loop for half a
 * second and allocate hundreds of megabytes. So before it runs, one cheap pass
 * over the decoded text (no allocation per character) checks the document's
 * shape: nesting depth, entries per array or object, values in all, and
 * duplicate object keys (which JSON.parse would silently collapse to the last
 * one, so two readers could see two different documents). The bytes must be
 * UTF-8 without a byte order mark (RFC 8259 §8.1): Go clients such as skopeo
 * fail on a BOM, so a registry that stored one would serve unreadable content.
 */
import { BoundedJsonError } from "./bounded-json-error.ts";

/** The shape a document may have. */
export interface JsonBounds {
  /** Most nested arrays and objects, e.g. 64. */
  readonly maxDepth: number;
  /** Most elements in one array or members in one object. */
  readonly maxEntries: number;
  /** Most values in the whole document (every array element and object member counts). */
  readonly maxValues: number;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

const quote = 0x22;
const backslash = 0x5c;
const comma = 0x2c;
const openObject = 0x7b;
const closeObject = 0x7d;
const openArray = 0x5b;
const closeArray = 0x5d;

/**
 * Decodes `bytes` and parses them as JSON within `bounds`. Throws a
 * {@link BoundedJsonError} whose kind names the broken rule: `bom`, `utf8`,
 * `depth`, `entries`, `values`, `duplicate-key` (two members of one object
 * with equal names after unescaping), or `syntax` (JSON.parse's own message).
 * Callers frame the message: {@link isMalformedJson} kinds read well after
 * "… is not valid JSON: ", the others after "… is refused: ".
 * Whitespace-only input is a syntax error; callers that allow an empty body
 * check for it first.
 */
export function parseBoundedJson(bytes: Uint8Array, bounds: JsonBounds): unknown {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    throw new BoundedJsonError(
      "bom",
      "it starts with a UTF-8 byte order mark (EF BB BF), which JSON forbids (RFC 8259 §8.1); send the bytes without it",
    );
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new BoundedJsonError("utf8", "it is not UTF-8 (an invalid byte sequence)");
  }
  return parseBoundedJsonText(text, bounds);
}

/** {@link parseBoundedJson} for text already decoded (no BOM or UTF-8 check). */
export function parseBoundedJsonText(text: string, bounds: JsonBounds): unknown {
  checkShape(text, bounds);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BoundedJsonError("syntax", (error as Error).message);
  }
}

/**
 * One pass over `text` that tracks only what JSON.parse cannot bound:
 * brackets outside strings, commas, and the keys of open objects. It does
 * not validate the grammar (JSON.parse does that afterwards, on input this
 * pass has proved small in every dimension); on invalid input it may refuse
 * for a reason that JSON.parse would have found first, which is harmless.
 */
function checkShape(text: string, bounds: JsonBounds): void {
  const levels: Level[] = [];
  let level: Level | undefined;
  let values = 0;
  let expectKey = false;
  const length = text.length;
  for (let at = 0; at < length; at++) {
    const code = text.charCodeAt(at);
    if (code === quote) {
      const start = at;
      at = stringEnd(text, at);
      if (expectKey) {
        expectKey = false;
        addKey(level!, text, start, at);
      }
    } else if (code === openObject || code === openArray) {
      if (levels.length === bounds.maxDepth) {
        throw new BoundedJsonError("depth", `it nests arrays and objects deeper than ${bounds.maxDepth} levels`);
      }
      if (++values > bounds.maxValues) throw tooManyValues(bounds);
      expectKey = code === openObject;
      level = enter(levels, expectKey);
    } else if (code === closeObject || code === closeArray) {
      levels.pop();
      level = levels.at(-1);
      expectKey = false;
    } else if (code === comma && level !== undefined) {
      expectKey = level.isObject;
      if (++level.entries > bounds.maxEntries) {
        const what = expectKey ? "object" : "array";
        throw new BoundedJsonError("entries", `it has more than ${bounds.maxEntries} entries in one ${what}`);
      }
      if (++values > bounds.maxValues) throw tooManyValues(bounds);
    }
  }
}

/** An open array or object: its entry count and, for an object, the keys seen so far. */
interface Level {
  entries: number;
  isObject: boolean;
  readonly keys: string[];
  /** Replaces the linear search once an object has many keys. */
  set: Set<string> | undefined;
}

const linearKeys = 16;

function enter(levels: Level[], isObject: boolean): Level {
  const level: Level = { entries: 1, isObject, keys: [], set: undefined };
  levels.push(level);
  return level;
}

/** The index of the quote that closes the string opened at `open` (the length when none does). */
function stringEnd(text: string, open: number): number {
  let at = text.indexOf('"', open + 1);
  while (at > 0) {
    let slashes = 0;
    while (text.charCodeAt(at - 1 - slashes) === backslash) slashes++;
    if (slashes % 2 === 0) return at;
    at = text.indexOf('"', at + 1);
  }
  return text.length;
}

function addKey(level: Level, text: string, open: number, close: number): void {
  const raw = text.slice(open + 1, close);
  const key = raw.includes("\\") ? unescapeKey(text.slice(open, close + 1)) : raw;
  const seen = level.set ? level.set.has(key) : level.keys.includes(key);
  if (seen) {
    throw new BoundedJsonError(
      "duplicate-key",
      `it has the key ${JSON.stringify(key.slice(0, 100))} twice in one object (at character ${open}); keep one`,
    );
  }
  if (level.set) level.set.add(key);
  else if (level.keys.push(key) > linearKeys) level.set = new Set(level.keys);
}

/** True for the kinds that mean "not JSON at all" rather than "JSON outside the bounds". */
export function isMalformedJson(error: BoundedJsonError): boolean {
  return error.kind === "syntax" || error.kind === "utf8" || error.kind === "bom";
}

function tooManyValues(bounds: JsonBounds): BoundedJsonError {
  return new BoundedJsonError("values", `it has more than ${bounds.maxValues} values in all`);
}

function unescapeKey(literal: string): string {
  try {
    return JSON.parse(literal) as string;
  } catch (error) {
    throw new BoundedJsonError("syntax", (error as Error).message);
  }
}
