/**
 * @module
 * The OCI conformance suite against Wharf in its scale-out configuration:
 * starts s3rver (one bucket, temporary folder) and a throwaway PostgreSQL
 * cluster with a fresh database — both on loopback, with the same helpers
 * the tests use — then runs `scripts/conformance.sh` with `storage.driver:
 * s3` and `database.driver: postgres` set through WHARF_* variables, and
 * stops both afterwards (the cluster when this process exits), also after
 * Ctrl-C or SIGTERM (passed on to the suite script, which stops its
 * server). Exits with the suite's status; 2 when PostgreSQL or s3rver is
 * missing.
 *
 *   npm run conformance:s3-postgres
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { createTestDatabase, postgresUnavailable } from "../src/metadata/testing/postgres-test-cluster.ts";
import { s3rverUnavailable, startS3TestServer } from "../src/storage/testing/s3-test-server.ts";

const root = join(import.meta.dirname, "..");

let child: ChildProcess | undefined;
let stopped: NodeJS.Signals | undefined;

// Ctrl-C or a stop: passed on to the suite script (which stops its server),
// and this process still stops s3rver and the cluster before it exits.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    stopped = signal;
    child?.kill(signal);
  });
}

/** Runs the suite script with `env` added; resolves with its exit status. */
function runSuite(env: Record<string, string>): Promise<number> {
  if (stopped) return Promise.resolve(130);
  const suite = spawn("bash", [join(root, "scripts", "conformance.sh")], {
    env: { ...process.env, ...env },
    stdio: "inherit",
  });
  child = suite;
  return new Promise((resolve) => suite.once("exit", (code, signal) => resolve(code ?? (signal ? 130 : 0))));
}

async function main(): Promise<number> {
  const unavailable = postgresUnavailable() ?? s3rverUnavailable();
  if (unavailable !== undefined) {
    process.stderr.write(`conformance (S3 + PostgreSQL): ${unavailable}\n`);
    return 2;
  }
  const s3 = await startS3TestServer("wharf-conformance");
  try {
    const database = await createTestDatabase();
    try {
      process.stdout.write(`conformance: s3rver at ${s3.endpoint}, PostgreSQL database ${database.url}\n`);
      return await runSuite({
        ...s3.env,
        WHARF_STORAGE__S3__PREFIX: "registry/",
        WHARF_DATABASE__DRIVER: "postgres",
        WHARF_DATABASE__POSTGRES__URL: database.url,
        WHARF_MASTER_KEY: randomBytes(32).toString("base64"),
      });
    } finally {
      await database.drop();
    }
  } finally {
    await s3.stop();
  }
}

process.exitCode = await main();
