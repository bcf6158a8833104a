/**
 * @module
 * `wharf config check FILE`: validates a configuration file (with the
 * current WHARF_* environment applied) and prints the effective settings,
 * durations the way they are written (`24h`), not in milliseconds.
 * `wharf config schema`: prints the configuration reference (Markdown)
 * generated from the schema, the text of `docs/configuration.md`.
 */
import type { Command } from "commander";
import { configReference } from "../config/config-reference.ts";
import { type Config, formatDuration } from "../config/config-schema.ts";
import { ConfigError, loadConfig } from "../config/load-config.ts";
import { durationPaths } from "../config/schema-keys.ts";

/** Registers `config check` on the program. */
export function registerConfigCommand(program: Command): void {
  const config = program.command("config").description("configuration tools");
  config
    .command("check <file>")
    .description("validate a configuration file and print the effective configuration")
    .action(async (file: string) => {
      try {
        const effective = await loadConfig({ file });
        process.stdout.write(`${file}: valid\n${JSON.stringify(withDurationsAsWritten(effective), null, 2)}\n`);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        process.stderr.write(`wharf: ${error.message}\n`);
        process.exit(2);
      }
    });
  config
    .command("schema")
    .description("print the configuration reference (Markdown: key, type, default, environment variable)")
    .action(() => {
      process.stdout.write(configReference());
    });
}

/** A copy of `config` with every duration (milliseconds) written back as `24h`, `30d`, `5m`. */
function withDurationsAsWritten(config: Config): unknown {
  const copy = structuredClone(config) as unknown as Record<string, unknown>;
  for (const path of durationPaths()) {
    let node: Record<string, unknown> | undefined = copy;
    for (const key of path.slice(0, -1)) node = node?.[key] as Record<string, unknown> | undefined;
    const last = path.at(-1)!;
    if (node && typeof node[last] === "number") node[last] = formatDuration(node[last]);
  }
  return copy;
}
