/**
 * @module
 * Starts the real `bin/wharf serve` on an ephemeral loopback port for an
 * end-to-end test, the way a user would, and stops it by PID afterwards.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before } from "node:test";

/** The repository root (two folders above this file). */
export const repoRoot = resolve(import.meta.dirname, "..", "..");

/** A Wharf process under test. */
export interface WharfProcess {
  readonly url: string;
  /** `127.0.0.1:PORT`, for clients that want a host. */
  readonly host: string;
  readonly dataDir: string;
  readonly child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** SIGTERM and wait for exit (graceful). */
  stop(): Promise<void>;
  /** SIGKILL and wait for exit (a crash). */
  kill(): Promise<void>;
  /**
   * Moves the server's clock forward by `ms` (it takes effect on the next
   * request) and returns the server's time; only with `clock: true`.
   */
  advanceClock(ms: number): Promise<number>;
  /** The server's current time (the wall clock plus every advance). */
  serverNow(): number;
}

/** Options for {@link startWharf}. */
export interface StartOptions {
  /** Reuse a data directory (restart after a crash); a fresh temp dir otherwise. */
  readonly dataDir?: string;
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Run with accounts and token auth (the default of `wharf serve`). Off by
   * default here: the protocol tests exercise the registry core, and the
   * auth tests turn it on. With auth, `admin`'s password is {@link adminPassword}.
   */
  readonly auth?: boolean;
  /**
   * `outbound.allow` (set as WHARF_OUTBOUND__ALLOW): the special addresses
   * the server may connect to for users. Tests whose secret checks target
   * registries on loopback pass `loopbackCidrs` (src/net/testing/allow-loopback.ts);
   * by default nothing special is allowed, as in production.
   */
  readonly outboundAllow?: readonly string[];
  /**
   * Start with a test clock (`WHARF_TEST_CLOCK_FILE` in the data directory),
   * so the test moves the server's time with `advanceClock` instead of sleeping.
   */
  readonly clock?: boolean;
}

const testDatabases = new Map<string, Record<string, string>>();

/**
 * With `TEST_DATABASE=postgres` in the test's environment, every
 * server gets its own database in the throwaway PostgreSQL cluster (the same
 * one again when restarted on its data directory), so the end-to-end suites
 * run on PostgreSQL too. Tests that choose a database driver keep theirs.
 */
async function testDatabaseEnv(dataDir: string, options: StartOptions): Promise<Record<string, string>> {
  if (process.env.TEST_DATABASE !== "postgres" || options.env?.WHARF_DATABASE__DRIVER) return {};
  let env = testDatabases.get(dataDir);
  if (!env) {
    const { createTestDatabase } = await import("../../src/metadata/testing/postgres-test-cluster.ts");
    const database = await createTestDatabase();
    env = { WHARF_DATABASE__DRIVER: "postgres", WHARF_DATABASE__POSTGRES__URL: database.url };
    testDatabases.set(dataDir, env);
  }
  return env;
}

/** The administrator's password in servers started with `auth: true`. */
export const adminPassword = "admin-password-for-tests";

/** Starts Wharf and resolves once it printed its URL. */
export async function startWharf(options: StartOptions = {}): Promise<WharfProcess> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), "wharf-test-")));
  const clockFile = join(dataDir, "test-clock-offset");
  const database = await testDatabaseEnv(dataDir, options);
  let offset = 0;
  const child = spawn(
    join(repoRoot, "bin", "wharf"),
    ["serve", "--listen", "127.0.0.1:0", "--data", dataDir, ...(options.args ?? [])],
    {
      env: {
        ...process.env,
        WHARF_LOG__LEVEL: "info",
        WHARF_AUTH__ENABLED: options.auth ? "true" : "false",
        WHARF_ADMIN_PASSWORD: adminPassword,
        // One process unless the test asks for workers (server.workers defaults to one per CPU);
        // TEST_WORKERS=2 runs a whole suite with workers.
        WHARF_SERVER__WORKERS: process.env.TEST_WORKERS ?? "1",
        ...(options.outboundAllow !== undefined && { WHARF_OUTBOUND__ALLOW: options.outboundAllow.join(",") }),
        ...(options.clock ? { WHARF_TEST_CLOCK_FILE: clockFile } : {}),
        ...database,
        ...options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`wharf did not start in 20 s:\n${output}`)), 20_000);
    const look = () => {
      // The URL to test against is the listening address; the printed
      // "clients use" URL is publicUrl when one is configured.
      const found = /wharf listening on (\S+), clients use (https?):\/\/(\S+?)[\s,]/.exec(output);
      if (found) {
        clearTimeout(timer);
        const [, address, scheme, host] = found;
        done(`${host === address ? scheme : "http"}://${address}`);
      }
    };
    child.stdout?.on("data", look);
    child.once("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`wharf exited with ${code} before it was ready:\n${output}`));
    });
  });
  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    await exited;
  };
  return {
    url,
    host: url.replace(/^https?:\/\//, ""),
    dataDir,
    child,
    output: () => output,
    stop: () => signal("SIGTERM"),
    kill: () => signal("SIGKILL"),
    async advanceClock(ms: number) {
      if (!options.clock) throw new Error("start wharf with { clock: true } to move its clock");
      offset += Math.ceil(ms);
      // Atomically (a rename): the server reads the file on every clock call, and a
      // read between writeFile's truncate and its write would see no offset at all.
      await writeFile(`${clockFile}.next`, String(offset));
      await rename(`${clockFile}.next`, clockFile);
      return Date.now() + offset;
    },
    serverNow: () => Date.now() + offset,
  };
}

/** Removes a data directory made by {@link startWharf}. */
export async function removeDataDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/**
 * Starts Wharf before the tests of the enclosing `describe` (or file) and
 * stops it, removing its data, after them. The returned object stands for the
 * running process; touching it before `before` ran is an error.
 */
export function useWharf(options: StartOptions = {}): WharfProcess {
  let started: WharfProcess | undefined;
  before(async () => {
    started = await startWharf(options);
  });
  after(async () => {
    if (!started) return;
    await started.stop();
    await removeDataDir(started.dataDir);
  });
  return new Proxy({} as WharfProcess, {
    get(_target, key) {
      if (!started) throw new Error("wharf is not started yet: use it inside a test or hook");
      return Reflect.get(started, key);
    },
  });
}
