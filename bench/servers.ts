/**
 * @module
 * Starts the registries under test on 127.0.0.1 and a free port, each with
 * its own data directory, and waits until it answers: Wharf (`bin/wharf
 * serve`) with auth off and with auth on (then with a Bearer token for the
 * client), and CNCF Distribution 2.8.2 (Debian's `docker-registry serve
 * config.yml`).
 */

import { mkdir, writeFile } from "node:fs/promises";
import http from "node:http";
import { createServer } from "node:net";
import { join } from "node:path";
import { type Managed, spawnManaged } from "./proc.ts";
import { type AuthPlan, bearerHeaders, wharfEnvironment } from "./wharf-auth.ts";

/** Which registry (and configuration) a measurement belongs to. */
export type ServerKind = "wharf" | "wharf-auth" | "distribution";

/** Every kind, in the order they are measured and shown. */
export const SERVER_KINDS: readonly ServerKind[] = ["wharf", "wharf-auth", "distribution"];

/** Column headings. */
export const SERVER_LABELS: Readonly<Record<ServerKind, string>> = {
  wharf: "Wharf",
  "wharf-auth": "Wharf+auth",
  distribution: "Distribution",
};

/** A registry that answered `GET /v2/`, and the headers every request to it carries. */
export interface RunningServer {
  readonly kind: ServerKind;
  readonly url: string;
  readonly process: Managed;
  readonly headers: Readonly<Record<string, string>>;
}

/** How to start Wharf: the checkout, extra `serve` arguments, auth on or off. */
export interface WharfLaunch {
  readonly root: string;
  readonly extraArgs: readonly string[];
  readonly auth: boolean;
  readonly authPlan: AuthPlan;
  /** More environment for `wharf serve` (e.g. WHARF_OUTBOUND__ALLOW for the proxy's loopback upstream). */
  readonly env?: NodeJS.ProcessEnv;
}

export const DISTRIBUTION_BINARY = "/usr/bin/docker-registry";
const READY_TIMEOUT_MS = 30_000;
const POLL_INTERVAL_MS = 100;
const URL_PATTERN = /http:\/\/127\.0\.0\.1:\d+/;

/** Asks the kernel for a free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}

/** Distribution's configuration: filesystem storage, deletes on, errors only, no auth. */
export function distributionConfig(rootDir: string, port: number): string {
  return [
    "version: 0.1",
    "log:",
    "  level: error",
    "  accesslog:",
    "    disabled: true",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${JSON.stringify(rootDir)}`,
    "  delete:",
    "    enabled: true",
    "  cache:",
    "    blobdescriptor: inmemory",
    "http:",
    `  addr: 127.0.0.1:${port}`,
    "",
  ].join("\n");
}

/** Starts Distribution with a generated config in `dataDir`. */
export async function startDistribution(dataDir: string): Promise<RunningServer> {
  const port = await freePort();
  const root = join(dataDir, "storage");
  await mkdir(root, { recursive: true });
  const configPath = join(dataDir, "config.yml");
  await writeFile(configPath, distributionConfig(root, port));
  const proc = spawnManaged(DISTRIBUTION_BINARY, ["serve", configPath], dataDir);
  const url = await readyOrStopped(proc, `http://127.0.0.1:${port}`, false);
  return { kind: "distribution", url, process: proc, headers: {} };
}

/**
 * Starts `bin/wharf serve --listen 127.0.0.1:PORT --data DIR ...extraArgs`
 * from the checkout; with auth on, also gets the client's Bearer token.
 */
export async function startWharf(dataDir: string, launch: WharfLaunch): Promise<RunningServer> {
  const port = await freePort();
  await mkdir(dataDir, { recursive: true });
  const args = ["serve", "--listen", `127.0.0.1:${port}`, "--data", dataDir, ...launch.extraArgs];
  const env = { ...wharfEnvironment(launch.auth, launch.authPlan.password), ...launch.env };
  const proc = spawnManaged(join(launch.root, "bin", "wharf"), args, launch.root, env);
  const url = await readyOrStopped(proc, `http://127.0.0.1:${port}`, true);
  const kind = launch.auth ? "wharf-auth" : "wharf";
  if (!launch.auth) return { kind, url, process: proc, headers: {} };
  try {
    return { kind, url, process: proc, headers: await bearerHeaders(url, launch.authPlan) };
  } catch (error) {
    await proc.stop();
    throw error;
  }
}

/** `waitReady`, stopping the process when it does not become ready. */
async function readyOrStopped(proc: Managed, url: string, watchStdout: boolean): Promise<string> {
  try {
    return await waitReady(proc, url, watchStdout);
  } catch (error) {
    await proc.stop();
    throw error;
  }
}

/**
 * Resolves with the server's base URL as soon as either it prints a line with
 * its URL (when `watchStdout`) or `GET /v2/` answers 200 or 401; rejects when
 * the process exits first or nothing happens within the timeout.
 */
function waitReady(proc: Managed, expectedUrl: string, watchStdout: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | undefined, url?: string) => {
      if (settled) return;
      settled = true;
      clearInterval(poller);
      clearTimeout(deadline);
      if (err) reject(err);
      else resolve(url ?? expectedUrl);
    };
    if (watchStdout) {
      proc.onStdoutLine((line) => {
        const match = URL_PATTERN.exec(line);
        if (match) finish(undefined, match[0]);
      });
    }
    const poller = setInterval(() => {
      probe(expectedUrl).then((ok) => ok && finish(undefined, expectedUrl));
    }, POLL_INTERVAL_MS);
    const deadline = setTimeout(
      () => finish(new Error(`not ready after ${READY_TIMEOUT_MS / 1000} s${tail(proc)}`)),
      READY_TIMEOUT_MS,
    );
    proc.exited.then(() => finish(new Error(`${proc.exitInfo()} before ready${tail(proc)}`)));
  });
}

function tail(proc: Managed): string {
  const out = proc.outputSummary();
  return out ? `; output: ${out}` : "";
}

/** True when `GET /v2/` answers 200 or 401 (a registry that wants auth is up too). */
function probe(baseUrl: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`${baseUrl}/v2/`, { agent: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 || res.statusCode === 401);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
  });
}
