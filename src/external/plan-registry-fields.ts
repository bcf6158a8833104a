/**
 * @module
 * The rules of an external registry's fields, applied to an addition or a
 * change before anything is stored: the short name, the endpoint and prefix,
 * and the credentials (a username and a password together, or neither for
 * anonymous pulls). Every broken rule is collected, then reported at once.
 */
import type { ExternalRegistryFields, ExternalRegistryRow } from "../metadata/external-registries-metadata.ts";
import { validatePassword, validateUsername } from "../secrets/secret-fields.ts";
import { refuseProblems } from "./external-registry-error.ts";
import type { AddExternalRegistryInput, UpdateExternalRegistryInput } from "./external-registry-input.ts";
import { type Endpoint, resolveEndpoint } from "./resolve-endpoint.ts";
import { defaultShortName, validateShortName } from "./short-name.ts";

/** A validated addition. */
export interface PlannedAddition {
  readonly name: string;
  readonly fields: ExternalRegistryFields;
  /** Undefined for an anonymous registry. */
  readonly password: string | undefined;
}

/** A validated change: the stored fields to set and what happens to the password. */
export interface PlannedChange {
  readonly fields: Partial<ExternalRegistryFields> & { readonly name?: string };
  /** A new password to seal, `null` to remove the credentials, undefined to keep them. */
  readonly password: string | null | undefined;
}

function endpointFields(endpoint: Endpoint): Omit<ExternalRegistryFields, "username"> {
  return { host: endpoint.host, baseUrl: endpoint.baseUrl, prefix: endpoint.prefix, insecure: endpoint.insecure };
}

/** Resolves the endpoint, pushing its problems; undefined when there were any. */
function endpointOf(problems: string[], registry: string, prefix: string | undefined, insecure: boolean) {
  const result = resolveEndpoint(registry, prefix, insecure);
  if (result.ok) return result.endpoint;
  problems.push(...result.problems);
  return undefined;
}

/** The short name given, or the host's default; a problem when neither works. */
function nameFor(problems: string[], given: string | undefined, endpoint: Endpoint | undefined): string {
  if (given !== undefined) {
    const problem = validateShortName(given);
    if (problem !== undefined) problems.push(problem);
    return given;
  }
  if (endpoint === undefined) return "";
  const name = defaultShortName(endpoint.host);
  if (name === undefined) {
    problems.push(
      `registry ${endpoint.host} needs a short name, because a proxy path cannot hold a port: give one such as local-registry`,
    );
  }
  return name ?? "";
}

/** Validates an addition; throws ExternalRegistryError `invalid` listing every problem. */
export function planAddition(input: AddExternalRegistryInput): PlannedAddition {
  const problems: string[] = [];
  const endpoint = endpointOf(problems, input.registry, input.prefix, input.insecure === true);
  const name = nameFor(problems, input.name, endpoint);
  const { username, password } = input;
  if (username === undefined && password !== undefined) {
    problems.push("a password is given without a username: give the username that goes with it");
  } else if (username !== undefined && password === undefined) {
    problems.push(
      `give the password or token for username ${JSON.stringify(username)}, or leave both out for anonymous pulls`,
    );
  }
  if (username !== undefined) problems.push(...[validateUsername(username)].filter((p) => p !== undefined));
  if (password !== undefined) problems.push(...[validatePassword(password)].filter((p) => p !== undefined));
  refuseProblems(problems);
  return { name, fields: { ...endpointFields(endpoint!), username: username ?? null }, password };
}

/** Validates a change of `row`; throws `invalid` listing every problem (or that nothing changes). */
export function planChange(row: ExternalRegistryRow, changes: UpdateExternalRegistryInput): PlannedChange {
  const problems: string[] = [];
  const fields: { -readonly [K in keyof PlannedChange["fields"]]?: PlannedChange["fields"][K] } = {};
  if (changes.name !== undefined) {
    problems.push(...[validateShortName(changes.name)].filter((p) => p !== undefined));
    fields.name = changes.name;
  }
  if (changes.registry !== undefined || changes.prefix !== undefined || changes.insecure !== undefined) {
    const insecure = changes.insecure ?? row.insecure;
    const registry = changes.registry ?? row.host;
    const prefix = changes.prefix ?? (changes.registry === undefined ? row.prefix : undefined);
    const endpoint = endpointOf(problems, registry, prefix, insecure);
    if (endpoint !== undefined) Object.assign(fields, endpointFields(endpoint));
  }
  const password = credentialChange(problems, row, changes, fields);
  if (Object.keys(fields).length === 0 && password === undefined && problems.length === 0) {
    problems.push("nothing to change: give a name, registry, prefix, insecure, username or password");
  }
  refuseProblems(problems);
  return { fields, password };
}

/** The password change, pushing problems and setting `fields.username`. */
function credentialChange(
  problems: string[],
  row: ExternalRegistryRow,
  changes: UpdateExternalRegistryInput,
  fields: { username?: string | null },
): string | null | undefined {
  const { username, password } = changes;
  if (username === null) {
    if (password !== undefined) problems.push("a password is given while the credentials are removed: leave it out");
    fields.username = null;
    return null;
  }
  if (username !== undefined) {
    problems.push(...[validateUsername(username)].filter((p) => p !== undefined));
    fields.username = username;
    if (password === undefined && row.ciphertext === null) {
      problems.push(`give the password or token for username ${JSON.stringify(username)}`);
    }
  }
  if (password !== undefined) {
    problems.push(...[validatePassword(password)].filter((p) => p !== undefined));
    if (username === undefined && row.username === null) {
      problems.push("a password is given but the registry has no username: give the username too");
    }
  }
  return password;
}
