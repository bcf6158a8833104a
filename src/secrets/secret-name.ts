/**
 * @module
 * The name rule of a pull secret. A secret is rendered as a Kubernetes
 * `Secret` (and referenced from `imagePullSecrets`), so its name must be a
 * Kubernetes DNS subdomain name: the product's source document states the
 * 253-character, lower-case, alphanumeric-ends rule, and Kubernetes adds that
 * every dot-separated part must also begin and end with an alphanumeric.
 * Checking it here, once, means a name Wharf accepts never fails later at
 * `kubectl apply`. Every broken rule is named, so one round trip fixes all.
 */

import { quoteInput } from "../reference/quote-input.ts";
import { SecretsError } from "./secrets-error.ts";

/** The longest secret name Kubernetes accepts (a DNS subdomain name). */
export const maxSecretNameLength = 253;

const allowed = /^[a-z0-9.-]$/;
const alphanumeric = /^[a-z0-9]$/;

/**
 * Returns undefined when `name` is a valid secret name, else one sentence
 * naming every broken rule, joined by "; ", e.g.
 * `secret name "My_App" is invalid: contains 'M', '_': use lower-case letters, digits, '-' or '.'`.
 * Rules: not empty; at most 253 characters; only `a-z`, `0-9`, `-`, `.`;
 * begins and ends with a letter or digit; no part between dots is empty or
 * starts/ends with `-`. Length counts UTF-16 code units, which equals
 * characters for every name that passes the character rule. Never throws.
 */
export function validateSecretName(name: string): string | undefined {
  if (name === "") {
    return 'secret name is empty: give a name such as "docker-secret-name"';
  }
  const problems = [...lengthProblem(name), ...characterProblem(name), ...endsProblems(name), ...partProblem(name)];
  if (problems.length === 0) return undefined;
  return `secret name ${quoteInput(name)} is invalid: ${problems.join("; ")}`;
}

/**
 * Throws SecretsError `invalid-input` with {@link validateSecretName}'s
 * message when `name` is invalid; returns `name` unchanged otherwise.
 */
export function assertSecretName(name: string): string {
  const problem = validateSecretName(name);
  if (problem !== undefined) throw new SecretsError("invalid-input", problem);
  return name;
}

function lengthProblem(name: string): string[] {
  if (name.length <= maxSecretNameLength) return [];
  return [`must be at most ${maxSecretNameLength} characters (got ${name.length})`];
}

function characterProblem(name: string): string[] {
  const bad = [...new Set([...name].filter((char) => !allowed.test(char)))];
  if (bad.length === 0) return [];
  const shown = bad.slice(0, 5).map(quoteChar).join(", ");
  const more = bad.length > 5 ? ` and ${bad.length - 5} more` : "";
  return [`contains ${shown}${more}: use lower-case letters, digits, '-' or '.'`];
}

function endsProblems(name: string): string[] {
  const problems: string[] = [];
  if (!alphanumeric.test(name[0] ?? "")) {
    problems.push("must begin with a lower-case letter or digit");
  }
  if (!alphanumeric.test(name.at(-1) ?? "")) {
    problems.push("must end with a lower-case letter or digit");
  }
  return problems;
}

/** Inner parts only: the first and last parts' outer ends are covered by {@link endsProblems}. */
function partProblem(name: string): string[] {
  if (name.includes("..")) return ['must not contain "..": remove the empty part between dots'];
  if (/(?:\.-|-\.)/.test(name)) {
    return ["each part between dots must begin and end with a lower-case letter or digit: remove the '-' next to '.'"];
  }
  return [];
}

/** A character as `'A'`, or as its code point when it would not print. */
function quoteChar(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x7f || /\s/.test(char)) {
    return `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  }
  return `'${char}'`;
}
