/**
 * @module
 * `wharf keys rotate [--data DIR] [--config FILE]`: adds a new token-signing
 * key. New tokens are signed with it at once by every server reading that
 * data directory (or, with `database.driver: postgres`, by every node
 * sharing the database); tokens signed with the previous keys stay valid
 * until they expire.
 */
import type { Command } from "commander";
import { rotateSigningKeys, rotateSigningKeysIn } from "../accounts/signing-keys.ts";
import { ConfigError, loadConfig } from "../config/load-config.ts";

/** Registers `keys rotate` on the program. */
export function registerKeysCommand(program: Command): void {
  const keys = program.command("keys").description("token-signing keys");
  keys
    .command("rotate")
    .description("add a new signing key (old keys keep verifying until their tokens expire)")
    .option("--data <dir>", "data directory", "./data")
    .option("--config <file>", "YAML configuration file (default $WHARF_CONFIG)")
    .action(async (options: { data: string; config?: string }) => {
      const config = await loadConfig({
        file: options.config ?? process.env.WHARF_CONFIG,
        overrides: { dataDir: options.data },
      }).catch((error: unknown) => {
        if (!(error instanceof ConfigError)) throw error;
        process.stderr.write(`wharf: ${error.message}\n`);
        process.exit(2);
      });
      let kid: string;
      if (config.database.driver === "postgres") {
        const { openDatabase } = await import("../metadata/open-database.ts");
        const { createSigningKeyStore } = await import("../metadata/kysely-signing-key-store.ts");
        const { openMasterKeySource } = await import("../secrets/master-key-source.ts");
        const keys = await openMasterKeySource({ dataDir: config.dataDir, env: process.env });
        const db = await openDatabase(config);
        try {
          kid = await rotateSigningKeysIn(createSigningKeyStore(db), keys.ring());
        } finally {
          await db.destroy();
        }
      } else {
        kid = await rotateSigningKeys(options.data);
      }
      process.stdout.write(`new signing key ${kid}; running servers use it for tokens issued from now on\n`);
    });
}
