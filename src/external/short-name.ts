/**
 * @module
 * The short name of an external registry: what a proxy path says instead of
 * the registry's host (`<wharf>/proxy/<app>/<short-name>/<path>:<tag>`), and
 * how the CLI and API address the registry. It is one DNS label (RFC 1123),
 * so it fits as one repository path component and never looks like a host
 * with a port, which a repository path cannot hold.
 */
import { quoteInput } from "../reference/quote-input.ts";

/** Longest short name (one DNS label). */
export const maxShortNameLength = 63;

const label = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * Undefined when `name` is a valid short name, else what to change. Rules:
 * 1-63 characters; lower-case letters, digits and '-'; begins and ends with
 * a letter or digit.
 */
export function validateShortName(name: string): string | undefined {
  const q = quoteInput(name);
  if (name === "") return "short name is empty: give a DNS label such as quay or local-registry";
  if (name.length > maxShortNameLength) {
    return `short name ${q} must be at most ${maxShortNameLength} characters (got ${name.length})`;
  }
  if (!label.test(name)) {
    return `short name ${q} must be a DNS label: lower-case letters, digits and '-', beginning and ending with a letter or digit (e.g. quay-acme)`;
  }
  return undefined;
}

/**
 * The short name a registry gets when none is given: its host with '.' as
 * '-' (`quay.io` → `quay-io`), or undefined when the host has a port (a
 * proxy path cannot name it, so the user must choose) or the result is not
 * a valid label.
 */
export function defaultShortName(host: string): string | undefined {
  if (host.includes(":")) return undefined;
  const name = host.replaceAll(".", "-");
  return validateShortName(name) === undefined ? name : undefined;
}
