/**
 * @module
 * The configuration reference, generated from the one schema: every key
 * with its type, default, `WHARF_*` environment variable and description
 * (the schema's `.meta({ description })`). `wharf config schema` prints it;
 * `docs/configuration.md` is its committed output, and a test fails when the
 * two differ, so the reference cannot drift from the code.
 */
import { z } from "zod";
import { configSchema } from "./config-schema.ts";

/** The command that rewrites the committed reference. */
export const regenerateCommand = "bin/wharf config schema > docs/configuration.md";

interface JsonSchema {
  readonly type?: string;
  readonly description?: string;
  readonly enum?: readonly unknown[];
  readonly pattern?: string;
  readonly format?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly anyOf?: readonly JsonSchema[];
}

const durationPattern = "^\\d+(ms|s|m|h|d)$";
const units: readonly [string, number][] = [
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1000],
];

/** Milliseconds as the largest whole unit: 86400000 → `1d`, 300000 → `5m`. */
function formatDuration(ms: number): string {
  for (const [unit, size] of units) if (ms % size === 0 && ms >= size) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

/** `dataDir` → `DATA_DIR`; the path joined by `__` (how load-config reads the environment). */
export function environmentVariable(path: readonly string[]): string {
  return `WHARF_${path.map((part) => part.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase()).join("__")}`;
}

function typeOf(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.map((v) => `\`${String(v)}\``).join(" \\| ");
  if (schema.pattern === durationPattern) return "duration (`30s`, `10m`, `24h`, `7d`)";
  if (schema.format === "uri") return "URL";
  if (schema.type === "integer") {
    const range = schema.minimum !== undefined && schema.maximum !== undefined && schema.maximum < 2 ** 53 - 1;
    return range ? `integer ${schema.minimum}–${schema.maximum}` : "integer";
  }
  return schema.type ?? "value";
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], value);
}

function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

function rows(schema: JsonSchema, path: readonly string[], defaults: unknown, out: string[]): void {
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    const here = [...path, key];
    const object = child.properties !== undefined ? child : child.anyOf?.find((c) => c.properties !== undefined);
    if (object) {
      rows(object, here, defaults, out);
      continue;
    }
    const value = valueAt(defaults, here);
    const shown =
      value === undefined
        ? "—"
        : `\`${child.pattern === durationPattern && typeof value === "number" ? formatDuration(value) : String(value)}\``;
    const description = child.description ? cell(child.description) : "—";
    out.push(
      `| \`${here.join(".")}\` | ${typeOf(child)} | ${shown} | \`${environmentVariable(here)}\` | ${description} |`,
    );
  }
}

/** The reference as Markdown. */
export function configReference(): string {
  const schema = z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  const table: string[] = [];
  rows(schema, [], configSchema.parse({}), table);
  return [
    "# Configuration reference",
    "",
    `<!-- Generated from src/config/config-schema.ts by \`bin/wharf config schema\`; do not edit. Regenerate: ${regenerateCommand} -->`,
    "",
    "`bin/wharf serve` runs without any configuration. A YAML file (`--config FILE` or",
    "`$WHARF_CONFIG`) sets keys by their dotted path as nested mappings; a `WHARF_*`",
    "environment variable overrides the file, and `--listen`/`--data` override both.",
    "In variable names `__` separates levels and `_` separates words",
    "(`WHARF_LIMITS__MAX_MANIFEST_BYTES=8388608`). Unknown keys are errors.",
    "`bin/wharf config check FILE` validates a file and prints the effective settings.",
    "",
    "| Key | Type | Default | Environment variable | Description |",
    "|---|---|---|---|---|",
    ...table,
    "",
  ].join("\n");
}
