/**
 * @module
 * Importing the credentials of a Docker client's `~/.docker/config.json`,
 * which is how most users already hold them (the product's source document
 * walks through decoding `auth` by hand). Entries are normalized to Wharf's
 * registry kinds and given a proposed secret name. Docker may keep the real
 * credentials in a credential helper (`credsStore`, `credHelpers`), leaving
 * only `{}` in the file: each such registry gets a note saying how to export
 * them, so nothing is dropped silently.
 */

import { BoundedJsonError } from "../json/bounded-json-error.ts";
import { parseBoundedJsonText } from "../json/parse-bounded-json.ts";
import { decodeAuthEntry } from "./decode-auth-entry.ts";
import type { RegistryCredential } from "./registry-credential.ts";
import { normalizeRegistryUrl, type RegistryLocation } from "./registry-url.ts";
import { checkSecretFields } from "./secret-fields.ts";
import { SecretsError } from "./secrets-error.ts";
import { suggestSecretName } from "./suggest-secret-name.ts";

/** One credential found in the file, ready to become a secret. */
export type ImportedCredential = RegistryCredential & {
  readonly registry: RegistryLocation;
  /** True when the entry's key was an `http://` URL. */
  readonly insecure: boolean;
  /** The `auths` key as written in the file. */
  readonly sourceKey: string;
  /** A valid secret name, unique within this import (e.g. `quay-io`, `docker-hub`). */
  readonly suggestedName: string;
};

/** What an import found: credentials, and sentences explaining every entry not imported. */
export interface DockerConfigImport {
  readonly secrets: ImportedCredential[];
  readonly notes: string[];
}

const helperName = /^[A-Za-z0-9._-]*$/;

interface ConfigShape {
  readonly auths: Record<string, unknown>;
  readonly credsStore?: string;
  /** Helper name by registry, as written in `credHelpers`. */
  readonly credHelpers: ReadonlyMap<string, string>;
}

/**
 * Parses the text of a Docker `config.json`. Each `auths` entry becomes a
 * password or identity-token credential (see decodeAuthEntry), or a note:
 * entries left `{}` because a helper holds them (one note per registry,
 * naming `docker-credential-<helper>` and the command that exports them),
 * entries with no credentials and no helper, keys that are not registry
 * URLs, fields Wharf refuses (e.g. a ':' in a `username` field), and
 * duplicates (two keys for one registry with the same credential). Every
 * `credHelpers` registry gets a helper note even when the file also holds
 * credentials for it, because Docker would use the helper. Other top-level
 * fields are ignored. Throws SecretsError `invalid-input` for invalid JSON,
 * a top level or `auths`/`credHelpers` of the wrong type, and malformed
 * entries (naming the entry).
 */
export function importDockerConfig(text: string): DockerConfigImport {
  const config = parseConfig(text);
  const secrets: ImportedCredential[] = [];
  const notes: string[] = [];
  for (const [sourceKey, entry] of Object.entries(config.auths)) {
    const result = importEntry(config, sourceKey, entry, secrets);
    if (typeof result === "string") notes.push(result);
    else if (result !== undefined) secrets.push(result);
  }
  for (const [registry, helper] of config.credHelpers) notes.push(helperNote(registry, helper));
  if (config.credsStore !== undefined && Object.keys(config.auths).length === 0) {
    const command = `docker-credential-${config.credsStore}`;
    notes.push(
      `credentials are held by the credential helper '${command}': list them with \`${command} list\`, export each with \`echo <registry> | ${command} get\` and create the secret with --username/--password-stdin`,
    );
  }
  return { secrets, notes };
}

/** One entry as a credential, a note (string), or undefined when another note covers it. */
function importEntry(
  config: ConfigShape,
  sourceKey: string,
  entry: unknown,
  found: readonly ImportedCredential[],
): ImportedCredential | string | undefined {
  const decoded = decodeAuthEntry(sourceKey, entry);
  const insecure = sourceKey.trim().toLowerCase().startsWith("http://");
  const registry = normalizeRegistryUrl(sourceKey, { insecure });
  if (decoded.kind === "empty") {
    if (helperFor(config, sourceKey) !== undefined) return undefined;
    if (config.credsStore !== undefined) return helperNote(sourceKey, config.credsStore);
    return `${q(sourceKey)} holds no credentials: skipped (run \`docker login\` again, or create the secret with --username/--password-stdin)`;
  }
  if (!registry.ok) return `${q(sourceKey)} skipped: ${registry.error}`;
  if (decoded.kind === "unusable") return `${q(sourceKey)} skipped: ${decoded.why}`;
  const { ok: _, ...location } = registry;
  const { email, ...fields } = decoded;
  const credential = {
    ...fields,
    registryKey: location.key,
    ...(email === undefined ? {} : { email }),
  } as RegistryCredential;
  const problem = credentialProblem(credential, found, sourceKey);
  if (problem !== undefined) return problem;
  const suggestedName = suggestSecretName(location, new Set(found.map((c) => c.suggestedName)));
  return { ...credential, registry: location, insecure, sourceKey, suggestedName };
}

/** The `credHelpers` helper of an `auths` key, matched as written or normalized. */
function helperFor(config: ConfigShape, sourceKey: string): string | undefined {
  const key = registryKeyOf(sourceKey);
  for (const [registry, helper] of config.credHelpers) {
    if (registry === sourceKey || registryKeyOf(registry) === key) return helper;
  }
  return undefined;
}

/** The normalized `auths` key of `text`, or `text` itself when it is not a registry URL. */
function registryKeyOf(text: string): string {
  const registry = normalizeRegistryUrl(text, { insecure: true });
  return registry.ok ? registry.key : text;
}

/** The note for a registry whose credentials a helper holds. */
function helperNote(registry: string, helper: string): string {
  const command = `docker-credential-${helper}`;
  const arg = /^[A-Za-z0-9._:/[\]@%+=-]+$/.test(registry) ? registry : `'${registry.replaceAll("'", "'\\''")}'`;
  return `credentials for ${registry} are held by the credential helper '${command}': export them with \`echo ${arg} | ${command} get\` and create the secret with --username/--password-stdin`;
}

/** Why `credential` is not imported (refused field, duplicate), or undefined. */
function credentialProblem(
  credential: RegistryCredential,
  found: readonly ImportedCredential[],
  sourceKey: string,
): string | undefined {
  const password = credential.kind === "password" ? credential.password : credential.identityToken;
  const problems = checkSecretFields({
    username: credential.username,
    password,
    email: credential.email,
  });
  if (problems.length > 0) return `${q(sourceKey)} skipped: ${problems.join("; ")}`;
  const twin = found.find((other) => other.registryKey === credential.registryKey && sameSecret(other, credential));
  if (twin === undefined) return undefined;
  return `${q(sourceKey)} is the same registry as ${q(twin.sourceKey)} with the same credentials: imported once`;
}

function sameSecret(a: RegistryCredential, b: RegistryCredential): boolean {
  if (a.kind === "password" && b.kind === "password") return a.username === b.username && a.password === b.password;
  if (a.kind === "identity-token" && b.kind === "identity-token") return a.identityToken === b.identityToken;
  return false;
}

/** A Docker config.json is a few levels deep with an entry per registry. */
const configBounds = { maxDepth: 16, maxEntries: 10_000, maxValues: 100_000 };

function parseConfig(text: string): ConfigShape {
  let json: unknown;
  try {
    json = parseBoundedJsonText(text, configBounds);
  } catch (error) {
    if (!(error instanceof BoundedJsonError)) throw error;
    throw invalid(
      `the Docker config is not valid JSON (${(error as Error).message}): give the content of ~/.docker/config.json`,
    );
  }
  if (!isRecord(json)) throw invalid('the Docker config must be a JSON object with an "auths" field');
  const auths = json.auths ?? {};
  const helpers = json.credHelpers ?? {};
  if (!isRecord(auths)) throw invalid('the Docker config\'s "auths" must be an object keyed by registry');
  if (!isRecord(helpers) || !Object.values(helpers).every((v) => typeof v === "string")) {
    throw invalid('the Docker config\'s "credHelpers" must map registries to helper names');
  }
  const credsStore = typeof json.credsStore === "string" && json.credsStore !== "" ? json.credsStore : undefined;
  const credHelpers = new Map(Object.entries(helpers as Record<string, string>).filter(([, h]) => h !== ""));
  for (const helper of [credsStore ?? "", ...credHelpers.values()]) {
    if (!helperName.test(helper)) {
      throw invalid(
        `the Docker config names the credential helper ${JSON.stringify(helper)}: a helper name is letters, digits, '.', '_' or '-'`,
      );
    }
  }
  return { auths, credsStore, credHelpers };
}

function invalid(message: string): SecretsError {
  return new SecretsError("invalid-input", message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function q(key: string): string {
  return `auths entry ${JSON.stringify(key)}`;
}
