/**
 * @module
 * Reads `WWW-Authenticate` (RFC 9110 section 11.6.1). Registries put
 * commas inside quoted values (`scope="repository:a:pull,push"`), send
 * several challenges in one header or in repeated headers that Node joins
 * with ", ", and vary the case of schemes and parameter names — so this is
 * a small tokenizer rather than a split on commas.
 */

/** One challenge: the scheme in lower case and its parameters with lower-case names. */
export interface Challenge {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
  /** The token68 form (`Negotiate abc==`), when the challenge used it instead of parameters. */
  readonly token68?: string;
}

const tokenChar = /[!#$%&'*+.^_`|~0-9A-Za-z-]/;
const token68Char = /[A-Za-z0-9._~+/-]/;

/**
 * Parses every challenge in `header`, in order. Never throws: text that is
 * not a valid challenge is skipped up to the next comma, so one odd
 * challenge does not hide a good Bearer challenge after it. Quoted values
 * may contain commas, `=` and backslash escapes. A repeated parameter keeps
 * its first value. Returns [] for undefined or empty input.
 */
export function parseChallenges(header: string | undefined): Challenge[] {
  if (header === undefined) return [];
  const scanner = { text: header, at: 0 };
  const challenges: Challenge[] = [];
  while (skip(scanner, /[\s,]/) < header.length) {
    const scheme = readToken(scanner);
    if (scheme === "") {
      skipPast(scanner, ",");
      continue;
    }
    challenges.push(readChallengeBody(scanner, scheme.toLowerCase()));
  }
  return challenges;
}

interface Scanner {
  readonly text: string;
  at: number;
}

function readChallengeBody(scanner: Scanner, scheme: string): Challenge {
  const params: Record<string, string> = {};
  const afterScheme = scanner.at;
  skip(scanner, /[ \t]/);
  const token68 = readToken68(scanner);
  if (token68 !== undefined) return { scheme, params, token68 };
  if (scanner.at === afterScheme) return { scheme, params };
  for (;;) {
    const start = scanner.at;
    const name = readToken(scanner);
    skip(scanner, /[ \t]/);
    if (name === "" || scanner.text[scanner.at] !== "=") {
      scanner.at = start; // not a parameter: the next challenge's scheme, or junk
      return { scheme, params };
    }
    scanner.at += 1;
    skip(scanner, /[ \t]/);
    const value = scanner.text[scanner.at] === '"' ? readQuoted(scanner) : readBare(scanner);
    const key = name.toLowerCase();
    if (!(key in params)) params[key] = value;
    skip(scanner, /[ \t]/);
    if (scanner.text[scanner.at] !== ",") return { scheme, params };
    scanner.at += 1;
    skip(scanner, /[\s,]/);
  }
}

/** A token68 is the whole rest of the challenge: token68 chars, then `=` padding, then `,` or the end. */
function readToken68(scanner: Scanner): string | undefined {
  const { text } = scanner;
  let end = scanner.at;
  while (end < text.length && token68Char.test(text[end]!)) end += 1;
  if (end === scanner.at) return undefined;
  while (text[end] === "=") end += 1;
  let after = end;
  while (text[after] === " " || text[after] === "\t") after += 1;
  if (after < text.length && text[after] !== ",") return undefined;
  const value = text.slice(scanner.at, end);
  scanner.at = end;
  return value;
}

function readToken(scanner: Scanner): string {
  const start = scanner.at;
  while (scanner.at < scanner.text.length && tokenChar.test(scanner.text[scanner.at]!)) {
    scanner.at += 1;
  }
  return scanner.text.slice(start, scanner.at);
}

/** Unquoted values should be tokens; servers also write bare URLs, so read up to `,` or space. */
function readBare(scanner: Scanner): string {
  const start = scanner.at;
  while (scanner.at < scanner.text.length && !/[\s,]/.test(scanner.text[scanner.at]!)) {
    scanner.at += 1;
  }
  return scanner.text.slice(start, scanner.at);
}

function readQuoted(scanner: Scanner): string {
  let value = "";
  scanner.at += 1; // opening quote
  while (scanner.at < scanner.text.length) {
    const char = scanner.text[scanner.at]!;
    scanner.at += 1;
    if (char === '"') return value;
    if (char === "\\" && scanner.at < scanner.text.length) {
      value += scanner.text[scanner.at];
      scanner.at += 1;
    } else {
      value += char;
    }
  }
  return value; // unterminated: keep what was there
}

function skip(scanner: Scanner, pattern: RegExp): number {
  while (scanner.at < scanner.text.length && pattern.test(scanner.text[scanner.at]!)) {
    scanner.at += 1;
  }
  return scanner.at;
}

function skipPast(scanner: Scanner, char: string): void {
  const next = scanner.text.indexOf(char, scanner.at);
  scanner.at = next < 0 ? scanner.text.length : next + 1;
}
