/**
 * @module
 * Loads configuration from an optional YAML file, then applies `WHARF_*`
 * environment overrides and command-line overrides, and validates the result
 * against the one schema. Errors list every problem with its key path, so a
 * user fixes them all in one go.
 */
import { readFile } from "node:fs/promises";
import { type Config, configSchema } from "./config-schema.ts";
import { closestKey, schemaKeysAt } from "./schema-keys.ts";

/**
 * Environment variables that are secrets or switches, not configuration
 * keys — including the command line's session variables, which a shell that
 * runs `wharf serve` may well have set.
 */
const reservedEnvironment = new Set([
  "WHARF_ADMIN_PASSWORD",
  "WHARF_MASTER_KEY",
  "WHARF_CONFIG",
  "WHARF_CONFIG_DIR",
  "WHARF_SERVER",
  "WHARF_USERNAME",
  "WHARF_TOKEN",
  "WHARF_DEBUG",
  "WHARF_TEST_CLOCK_FILE",
]);

/** A configuration problem a user must fix; the message lists every issue. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/**
 * Maps `WHARF_A__B_C=value` to `{ a: { bC: value } }`: `__` nests, `_` joins
 * camel-case words. Values that parse as JSON numbers or booleans become them.
 */
export function environmentOverrides(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(env)) {
    const keys = keysOfVariable(name);
    if (keys === undefined || raw === undefined) continue;
    setPath(result, keys, coerce(raw));
  }
  return result;
}

/** The key path a `WHARF_*` variable sets, or undefined when it is not a configuration variable. */
function keysOfVariable(name: string): string[] | undefined {
  if (!name.startsWith("WHARF_") || reservedEnvironment.has(name)) return undefined;
  return name
    .slice(6)
    .split("__")
    .map((part) => part.toLowerCase().replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()));
}

/** The variable that sets a key path: `["log", "level"]` → `WHARF_LOG__LEVEL`. */
function variableOf(path: readonly PropertyKey[]): string {
  return `WHARF_${path
    .map((key) =>
      String(key)
        .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
        .toUpperCase(),
    )
    .join("__")}`;
}

/** Which `WHARF_*` variable set each dotted key path, for error messages. */
function environmentSources(env: NodeJS.ProcessEnv): Map<string, string> {
  const sources = new Map<string, string>();
  for (const name of Object.keys(env)) {
    const keys = keysOfVariable(name);
    if (keys !== undefined) sources.set(keys.join("."), name);
  }
  return sources;
}

function coerce(raw: string): unknown {
  if (/^-?\d+$/.test(raw)) return Number(raw);
  if (raw === "true" || raw === "false") return raw === "true";
  return raw;
}

function setPath(target: Record<string, unknown>, keys: string[], value: unknown): void {
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    node[key] = typeof next === "object" && next !== null ? next : {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

/** Deep-merges plain objects; later sources win, arrays and scalars replace. */
export function mergeConfig(...sources: Record<string, unknown>[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const source of sources) {
    for (const [key, value] of Object.entries(source)) {
      const prev = out[key];
      const bothObjects = isPlainObject(prev) && isPlainObject(value);
      out[key] = bothObjects ? mergeConfig(prev, value) : value;
    }
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Validates an already-merged object; throws ConfigError listing every
 * issue by key path, naming the `WHARF_*` variable a value came from (per
 * `sources`, dotted path → variable), and for an unknown key the allowed key
 * it most likely meant.
 */
export function validateConfig(input: unknown, origin: string, sources = new Map<string, string>()): Config {
  const result = configSchema.safeParse(input);
  if (result.success) return result.data;
  const line = (path: readonly PropertyKey[], message: string) => {
    const where = path.length > 0 ? path.join(".") : "(top level)";
    const variable = sources.get(path.join("."));
    return `  ${where}${variable ? ` (from ${variable})` : ""}: ${message}`;
  };
  const lines = result.error.issues.flatMap((issue) => {
    if (issue.code !== "unrecognized_keys") return [line(issue.path, issue.message)];
    return issue.keys.map((key) => {
      const path = [...issue.path, key];
      const meant = closestKey(issue.path, key);
      const fromEnvironment = sources.has(path.join("."));
      const suggestion = meant === undefined ? "" : fromEnvironment ? variableOf([...issue.path, meant]) : meant;
      const allowed = schemaKeysAt(issue.path).join(", ");
      return line(path, `unknown key; ${meant ? `did you mean ${suggestion}?` : `allowed here: ${allowed}`}`);
    });
  });
  throw new ConfigError(`invalid configuration (${origin}):\n${lines.join("\n")}`);
}

/** Reads and parses a YAML file into an object; throws ConfigError on any problem. */
export async function readConfigFile(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read configuration file ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    // Loaded only when there is a file to read: most servers run on defaults.
    const { parse } = await import("yaml");
    parsed = parse(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new ConfigError(`${file} is not valid YAML: ${(error as Error).message}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (!isPlainObject(parsed)) throw new ConfigError(`${file}: the top level must be a mapping`);
  return parsed;
}

/** File (optional) < environment < explicit overrides, validated. */
export async function loadConfig(options: {
  file?: string;
  env?: NodeJS.ProcessEnv;
  overrides?: Record<string, unknown>;
}): Promise<Config> {
  const fromFile = options.file ? await readConfigFile(options.file) : {};
  const env = options.env ?? process.env;
  const fromEnv = environmentOverrides(env);
  const merged = mergeConfig(fromFile, fromEnv, options.overrides ?? {});
  const origin = [options.file ?? "defaults", "WHARF_* environment", "flags"].join(" + ");
  return validateConfig(merged, origin, environmentSources(env));
}
