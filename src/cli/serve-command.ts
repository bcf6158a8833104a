/**
 * @module
 * `wharf serve`: loads and validates configuration, starts the server,
 * prints one line with the address it listens on and the URL clients use
 * when ready (a second server on the same data directory refuses to start), and shuts down gracefully on
 * SIGINT/SIGTERM (in-flight requests finish; nothing half-written remains
 * visible, because blobs and manifests only appear once complete).
 */
import cluster from "node:cluster";
import { flushCompileCache } from "node:module";
import type { Command } from "commander";
import { workerCount } from "../cluster/worker-count.ts";
import { ConfigError, loadConfig } from "../config/load-config.ts";
import { createLogger } from "../log/create-logger.ts";
import { MasterKeyError } from "../secrets/master-key-error.ts";
import { DataDirLockedError } from "../storage/data-dir-lock.ts";

/** Errors of listen() a user fixes by choosing another address. */
const listenErrors = new Set(["EADDRINUSE", "EACCES", "EADDRNOTAVAIL", "ENOTFOUND", "EAI_AGAIN"]);

import { shouldExitWithParent, watchParent } from "./parent-watch.ts";

interface ServeOptions {
  listen?: string;
  data?: string;
  config?: string;
  exitWithParent?: boolean;
  tlsCert?: string;
  tlsKey?: string;
}

/** Registers `serve` on the program. */
export function registerServeCommand(program: Command): void {
  program
    .command("serve")
    .description("run the registry (embedded defaults: port 5000, data in ./data)")
    .option("--listen <host:port>", "address to listen on (default 0.0.0.0:5000)")
    .option("--data <dir>", "data directory (default ./data)")
    .option("--config <file>", "YAML configuration file (default $WHARF_CONFIG)")
    .option("--exit-with-parent", "stop when the parent process dies (on by default under npm scripts)")
    .option("--tls-cert <file>", "serve HTTPS with this PEM certificate (chain allowed); needs --tls-key")
    .option("--tls-key <file>", "the PEM private key of --tls-cert")
    .action(async (options: ServeOptions) => {
      const overrides: Record<string, unknown> = {};
      const tls: Record<string, string> = {};
      if (options.tlsCert) tls.cert = options.tlsCert;
      if (options.tlsKey) tls.key = options.tlsKey;
      if (options.tlsCert || options.tlsKey) overrides.tls = tls;
      if (options.listen) overrides.listen = options.listen;
      if (options.data) overrides.dataDir = options.data;
      try {
        const config = await loadConfig({
          file: options.config ?? process.env.WHARF_CONFIG,
          overrides,
        });
        const log = createLogger(config.log.level);
        // A worker of `server.workers` serves and reports to its primary (cluster/).
        if (cluster.isWorker) {
          const { runWorker } = await import("../cluster/run-worker.ts");
          await runWorker(config, log);
          return;
        }
        // Loaded here, not at the top: every other command stays quick to start.
        const { startServer } = await import("../server.ts");
        const workers = workerCount(config);
        const running =
          workers > 1
            ? await (await import("../cluster/start-cluster.ts")).startCluster(config, log, workers)
            : await startServer(config, log);
        const use = config.publicUrl ?? running.url;
        // Start-up warnings (publicUrl, sealing) reach the log before the line that says it is ready.
        await new Promise<void>((done) => log.flush(() => done()));
        let stopping = false;
        const stop = (signal: string) => {
          if (stopping) return;
          stopping = true;
          log.info({ signal }, "shutting down: finishing in-flight requests");
          running.close().then(() => {
            log.info("stopped");
            log.flush(() => process.exit(0));
          });
        };
        process.on("SIGINT", () => stop("SIGINT"));
        process.on("SIGTERM", () => stop("SIGTERM"));
        if (shouldExitWithParent(options.exitWithParent)) watchParent(() => stop("parent process exited"));
        // Ready only now: a SIGTERM right after this line finds its handler.
        process.stdout.write(`wharf listening on ${running.address}, clients use ${use} (data in ${config.dataDir})\n`);
        // V8's compile cache (bin/wharf sets NODE_COMPILE_CACHE) is written now, not only at
        // exit, so the next start and workers restarted later load compiled code.
        flushCompileCache();
      } catch (error) {
        if (error instanceof ConfigError || error instanceof MasterKeyError || error instanceof DataDirLockedError) {
          process.stderr.write(`wharf: ${error.message}\n`);
          process.exit(2);
        }
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== undefined && listenErrors.has(code)) {
          process.stderr.write(
            `wharf: cannot listen on ${options.listen ?? "the configured address"}: ${(error as Error).message}; choose another address with --listen\n`,
          );
          process.exit(1);
        }
        throw error;
      }
    });
}
