/**
 * @module
 * Loads configuration from an optional YAML file, then applies `WHARF_*`
 * environment overrides and command-line overrides, and validates the result
 * against the one schema. Errors list every problem with its key path, so a
 * user fixes them all in one go.
 */
import { readFile } from "node:fs/promises";
import { type Config, configSchema } from "./config-schema.ts";

/** Environment variables that are secrets or switches, not configuration keys. */
const reservedEnvironment = new Set([
  "WHARF_ADMIN_PASSWORD",
  "WHARF_MASTER_KEY",
  "WHARF_CONFIG",
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
    if (!name.startsWith("WHARF_") || reservedEnvironment.has(name) || raw === undefined) continue;
    const keys = name
      .slice(6)
      .split("__")
      .map((part) => part.toLowerCase().replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()));
    setPath(result, keys, coerce(raw));
  }
  return result;
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

/** Validates an already-merged object; throws ConfigError listing every issue. */
export function validateConfig(input: unknown, origin: string): Config {
  const result = configSchema.safeParse(input);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join(".") : "(top level)";
    return `  ${where}: ${issue.message}`;
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
  const fromEnv = environmentOverrides(options.env ?? process.env);
  const merged = mergeConfig(fromFile, fromEnv, options.overrides ?? {});
  const origin = [options.file ?? "defaults", "WHARF_* environment", "flags"].join(" + ");
  return validateConfig(merged, origin);
}
