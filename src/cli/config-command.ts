/**
 * @module
 * `wharf config check FILE`: validates a configuration file (with the
 * current WHARF_* environment applied) and prints the effective settings.
 * `wharf config schema`: prints the configuration reference (Markdown)
 * generated from the schema, the text of `docs/configuration.md`.
 */
import type { Command } from "commander";
import { configReference } from "../config/config-reference.ts";
import { ConfigError, loadConfig } from "../config/load-config.ts";

/** Registers `config check` on the program. */
export function registerConfigCommand(program: Command): void {
  const config = program.command("config").description("configuration tools");
  config
    .command("check <file>")
    .description("validate a configuration file and print the effective configuration")
    .action(async (file: string) => {
      try {
        const effective = await loadConfig({ file });
        process.stdout.write(`${file}: valid\n${JSON.stringify(effective, null, 2)}\n`);
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
