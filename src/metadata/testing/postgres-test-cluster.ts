/**
 * @module
 * Test-only: a throwaway PostgreSQL cluster (Debian's `postgresql`), one per
 * test process, started on first use and stopped when the process exits.
 * `initdb` refuses to run as root, so as root the cluster belongs to the
 * `postgres` user (`runuser -u postgres`). It listens on a free loopback
 * port with trust authentication, in a temporary directory; each caller
 * gets its own database in it ({@link createTestDatabase}).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

const binDirs = ["/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin"];

function pgBin(): string | undefined {
  return binDirs.find((dir) => existsSync(join(dir, "initdb")) && existsSync(join(dir, "pg_ctl")));
}

const asRoot = process.getuid?.() === 0;

function postgresUser(): { uid: number; gid: number } | undefined {
  const found = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
  const group = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
  if (found.status !== 0 || group.status !== 0) return undefined;
  return { uid: Number(found.stdout.trim()), gid: Number(group.stdout.trim()) };
}

/** Why no test cluster can start here, or undefined when one can. */
export function postgresUnavailable(): string | undefined {
  if (!pgBin()) return "PostgreSQL is not installed (run scripts/install-system-deps.sh)";
  if (asRoot && !postgresUser()) return "running as root and there is no postgres user to run initdb as";
  return undefined;
}

function run(command: string, args: string[]): void {
  const [file, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args];
  execFileSync(file, argv, { stdio: ["ignore", "ignore", "pipe"] });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Cluster {
  readonly port: number;
}

let started: Promise<Cluster> | undefined;

async function startCluster(): Promise<Cluster> {
  const bin = pgBin()!;
  const dir = mkdtempSync(join(tmpdir(), "wharf-pg-"));
  chmodSync(dir, 0o700);
  if (asRoot) {
    const owner = postgresUser()!;
    chownSync(dir, owner.uid, owner.gid);
  }
  const data = join(dir, "data");
  run(join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "--no-locale", "-E", "UTF8", "--no-sync"]);
  const port = await freePort();
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c max_connections=300`;
  run(join(bin, "pg_ctl"), ["-D", data, "-o", options, "-l", join(dir, "log"), "-w", "start"]);
  process.once("exit", () => {
    try {
      run(join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  return { port };
}

/** A database of its own in the test cluster: its URL and how to drop it. */
export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/** Starts the cluster if needed and creates a fresh, empty database in it. */
export async function createTestDatabase(): Promise<TestDatabase> {
  started ??= startCluster();
  const { port } = await started;
  const name = `wharf_${randomBytes(6).toString("hex")}`;
  const admin = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/${name}`,
    async drop() {
      const dropper = new pg.Client({ connectionString: admin });
      await dropper.connect();
      try {
        await dropper.query(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end();
      }
    },
  };
}
