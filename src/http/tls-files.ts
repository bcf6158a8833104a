/**
 * @module
 * Built-in TLS from two PEM files that an operator (or cert-manager, or
 * certbot) replaces in place. The files are read once before the server
 * listens — a missing or unreadable file, or a key that does not match the
 * certificate, stops the start with a message naming the file — and again on
 * SIGHUP and whenever either file (or its directory entry: Kubernetes swaps
 * a symlink) changes. A reload that fails keeps the certificate in use and
 * logs why. Only TLS 1.2 and 1.3 are offered, over HTTP/1.1 (ALPN
 * `http/1.1`): see the README section "TLS" for why not HTTP/2.
 */
import { type FSWatcher, watch } from "node:fs";
import { readFile } from "node:fs/promises";
import type { Server as HttpsServer } from "node:https";
import { basename, dirname, resolve } from "node:path";
import { createSecureContext, type SecureContextOptions } from "node:tls";
import { ConfigError } from "../config/load-config.ts";
import type { Logger } from "../log/create-logger.ts";

/** The configured certificate and key paths. */
export interface TlsFilePaths {
  readonly cert: string;
  readonly key: string;
}

/** Why TLS could not be set up at start: a configuration problem (exit 2 with the message). */
export class TlsFilesError extends ConfigError {
  constructor(message: string, options?: ErrorOptions) {
    super(message);
    if (options?.cause !== undefined) this.cause = options.cause;
    this.name = "TlsFilesError";
  }
}

/** Server options every TLS listener of Wharf uses besides the key pair. */
export const tlsProtocolOptions = {
  minVersion: "TLSv1.2",
  ALPNProtocols: ["http/1.1"],
} as const satisfies SecureContextOptions & { ALPNProtocols: string[] };

async function readPem(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new TlsFilesError(`cannot read the TLS ${what} ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Reads and checks the key pair (a secure context is built from it, which
 * fails on malformed PEM or a key that does not belong to the certificate).
 */
export async function loadTlsFiles(paths: TlsFilePaths): Promise<SecureContextOptions> {
  const cert = await readPem(paths.cert, "certificate (tls.cert)");
  const key = await readPem(paths.key, "private key (tls.key)");
  const options = { cert, key, minVersion: tlsProtocolOptions.minVersion };
  try {
    createSecureContext(options);
  } catch (error) {
    throw new TlsFilesError(
      `the TLS files ${paths.cert} and ${paths.key} are not a usable PEM certificate and matching key: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return options;
}

/** Handle on a running reloader. */
export interface TlsReloader {
  /** Re-reads the files now; resolves true when the new pair is in use. */
  reload(reason: string): Promise<boolean>;
  /** Stops watching and listening for SIGHUP. */
  close(): void;
}

/**
 * Keeps `server`'s certificate in step with the files: on SIGHUP, and on a
 * change seen by a directory watch (coalesced over `settleMs`, since
 * writers touch a file more than once).
 */
export function reloadTlsOnChange(server: HttpsServer, paths: TlsFilePaths, log: Logger, settleMs = 250): TlsReloader {
  const reload = async (reason: string) => {
    try {
      server.setSecureContext(await loadTlsFiles(paths));
      log.info({ reason }, "reloaded the TLS certificate");
      return true;
    } catch (error) {
      log.error({ reason, err: (error as Error).message }, "TLS reload failed; keeping the certificate in use");
      return false;
    }
  };
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void reload("file changed"), settleMs).unref();
  };
  const names = new Set([basename(paths.cert), basename(paths.key)]);
  const watchers: FSWatcher[] = [];
  for (const dir of new Set([dirname(resolve(paths.cert)), dirname(resolve(paths.key))])) {
    try {
      const watcher = watch(dir, { persistent: false }, (_event, name) => {
        // Kubernetes secret volumes swap a `..data` symlink, not the files.
        if (name === null || names.has(name) || name.startsWith("..")) schedule();
      });
      watcher.on("error", (error) => log.warn({ err: error.message, dir }, "stopped watching TLS files"));
      watchers.push(watcher);
    } catch (error) {
      log.warn({ err: (error as Error).message, dir }, "cannot watch TLS files; reload them with SIGHUP");
    }
  }
  const onHangup = () => void reload("SIGHUP");
  process.on("SIGHUP", onHangup);
  return {
    reload,
    close() {
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
      process.off("SIGHUP", onHangup);
    },
  };
}
