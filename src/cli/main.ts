/**
 * @module
 * The `wharf` command line. Each command lives in its own module and
 * registers itself here; this file only assembles them.
 */
import { requireNode } from "./require-node.ts";

requireNode(24);
// Uploads fsync on libuv's thread pool; the default 4 threads would queue
// concurrent pushes behind each other's fsyncs. Set before any pool use.
process.env.UV_THREADPOOL_SIZE ??= "16";

const { Command } = await import("commander");
const { registerConfigCommand } = await import("./config-command.ts");
const { registerKeysCommand } = await import("./keys-command.ts");
const { registerRefCommand } = await import("./ref-command.ts");
const { registerServeCommand } = await import("./serve-command.ts");

const program = new Command("wharf")
  .description("Wharf: a container registry for software vendors")
  .version("0.1.0")
  .showHelpAfterError();

registerServeCommand(program);
registerRefCommand(program);
registerConfigCommand(program);
registerKeysCommand(program);

await program.parseAsync(process.argv);
