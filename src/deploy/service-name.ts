/**
 * @module
 * The name rule of a service. One name becomes the Deployment, its
 * container, its pods' `app.kubernetes.io/name` label and the Kubernetes
 * `Service`, and a `Service` name is an RFC 1035 label — a DNS-1123 label
 * that also starts with a letter — so that is the rule, checked here once
 * so that a name Wharf accepts never fails at `kubectl apply`.
 */
import { quoteInput } from "../reference/quote-input.ts";

/** The longest service name Kubernetes accepts (a DNS label). */
export const maxServiceNameLength = 63;

/**
 * Undefined when `name` is a valid service name, else one sentence naming
 * every broken rule. Rules: not empty; at most 63 characters; only `a-z`,
 * `0-9` and `-`; begins with a letter; ends with a letter or digit.
 */
export function validateServiceName(name: string): string | undefined {
  if (name === "") return 'service name is empty: give one such as "basic-service"';
  const problems: string[] = [];
  if (name.length > maxServiceNameLength) {
    problems.push(`must be at most ${maxServiceNameLength} characters (got ${name.length})`);
  }
  const bad = [...new Set([...name].filter((char) => !/^[a-z0-9-]$/.test(char)))];
  if (bad.length > 0) {
    const shown = bad.slice(0, 5).map((char) => JSON.stringify(char));
    problems.push(`contains ${shown.join(", ")}: use lower-case letters, digits and '-'`);
  }
  if (!/^[a-z]/.test(name)) problems.push("must begin with a lower-case letter");
  if (!/[a-z0-9]$/.test(name)) problems.push("must end with a lower-case letter or digit");
  if (problems.length === 0) return undefined;
  return `service name ${quoteInput(name)} is invalid: ${problems.join("; ")}`;
}
