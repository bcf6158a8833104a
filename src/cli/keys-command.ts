/**
 * @module
 * `wharf keys rotate [--data DIR]`: adds a new token-signing key. New tokens
 * are signed with it at once by every server reading that data directory;
 * tokens signed with the previous keys stay valid until they expire.
 */
import type { Command } from "commander";
import { rotateSigningKeys } from "../accounts/signing-keys.ts";

/** Registers `keys rotate` on the program. */
export function registerKeysCommand(program: Command): void {
  const keys = program.command("keys").description("token-signing keys");
  keys
    .command("rotate")
    .description("add a new signing key (old keys keep verifying until their tokens expire)")
    .option("--data <dir>", "data directory", "./data")
    .action(async (options: { data: string }) => {
      const kid = await rotateSigningKeys(options.data);
      process.stdout.write(`new signing key ${kid}; running servers use it for tokens issued from now on\n`);
    });
}
