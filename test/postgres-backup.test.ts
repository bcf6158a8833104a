/**
 * @module
 * `wharf migrate --status` and `wharf backup` on PostgreSQL, as an operator
 * runs them (bin/wharf with the WHARF_* variables of a scale-out node), on
 * a throwaway cluster and s3rver: the status of an empty database and of a
 * migrated one, an unreachable database named with its password redacted;
 * a backup is a pg_dump archive that Debian's pg_restore loads into a new
 * database on which a fresh node serves the same image from the same
 * bucket; `wharf restore` points such a backup to pg_restore; SQLite with
 * blobs in S3 is refused with what to use instead. Skipped when PostgreSQL
 * or s3rver is missing; failed under CI.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it, test } from "node:test";
import {
  createTestDatabase,
  postgresUnavailable,
  type TestDatabase,
} from "../src/metadata/testing/postgres-test-cluster.ts";
import { type S3TestServer, s3rverUnavailable, startS3TestServer } from "../src/storage/testing/s3-test-server.ts";
import { pushImageAs } from "./support/registry-auth.ts";
import { runCommand } from "./support/run-command.ts";
import { removeDataDir, repoRoot, startWharf, type WharfProcess } from "./support/start-wharf.ts";

const unavailable = postgresUnavailable() ?? s3rverUnavailable();
const password = `pg-secret-${randomBytes(6).toString("hex")}`;
const manifestAccept = "application/vnd.oci.image.manifest.v1+json";

if (unavailable !== undefined && process.env.CI) {
  test("wharf migrate --status and backup on PostgreSQL", () => assert.fail(`cannot run under CI: ${unavailable}`));
}

function wharf(args: readonly string[], env: Record<string, string>) {
  return runCommand(join(repoRoot, "bin", "wharf"), args, { env, timeoutMs: 60_000 });
}

/** Debian's pg_restore beside the cluster's initdb. */
function pgRestore(): string {
  const found = ["17", "16", "15"].map((v) => `/usr/lib/postgresql/${v}/bin/pg_restore`).find(existsSync);
  assert.ok(found, "pg_restore is not installed");
  return found;
}

test("wharf backup with SQLite and blobs in S3 is refused, naming what to use instead", async () => {
  const work = await mkdtemp(join(tmpdir(), "wharf-backup-s3-"));
  try {
    const env = { WHARF_STORAGE__DRIVER: "s3", WHARF_STORAGE__S3__BUCKET: "blobs" };
    const run = await wharf(["backup", join(work, "backup"), "--data", join(work, "data")], env);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /wharf: .*SQLite \+ filesystem.*\.backup.*bucket with its own versioning or replication/);
    assert.ok(!existsSync(join(work, "backup")));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});

describe("wharf migrate --status and backup on PostgreSQL", { skip: unavailable }, () => {
  let database: TestDatabase;
  let restored: TestDatabase;
  let s3: S3TestServer;
  let env: Record<string, string>;
  let work: string;
  const nodes: WharfProcess[] = [];

  before(async () => {
    database = await createTestDatabase();
    s3 = await startS3TestServer("wharf-pg-backup");
    work = await mkdtemp(join(tmpdir(), "wharf-pg-backup-"));
    env = {
      ...s3.env,
      WHARF_STORAGE__S3__PREFIX: "registry/",
      WHARF_DATABASE__DRIVER: "postgres",
      // The cluster trusts loopback: the password is never checked, only kept out of every output.
      WHARF_DATABASE__POSTGRES__URL: database.url.replace("postgres@", `postgres:${password}@`),
      WHARF_MASTER_KEY: randomBytes(32).toString("base64"),
    };
  });

  after(async () => {
    for (const node of nodes) {
      await node.stop();
      await removeDataDir(node.dataDir);
    }
    await s3?.stop();
    await database?.drop();
    await restored?.drop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("migrate --status lists every migration as pending on an empty database, and up to date after a start", async () => {
    const empty = await wharf(["migrate", "--status"], env);
    assert.equal(empty.code, 0, empty.stderr);
    assert.match(empty.stdout, /^database: PostgreSQL postgres:\/\/postgres:REDACTED@127\.0\.0\.1:\d+\/wharf_/m);
    assert.match(empty.stdout, /^schema version: 0 \(this wharf knows up to \d+\)$/m);
    assert.match(empty.stdout, /^pending \(applied at the next start\): 0001_/m);
    nodes.push(await startWharf({ env }));
    const migrated = await wharf(["migrate", "--status"], env);
    assert.equal(migrated.code, 0, migrated.stderr);
    const [, current, latest] = /schema version: (\d+) \(this wharf knows up to (\d+)\)/.exec(migrated.stdout) ?? [];
    assert.equal(current, latest);
    assert.match(migrated.stdout, /^up to date$/m);
    assert.ok(!`${empty.stdout}${migrated.stdout}`.includes(password));
  });

  it("migrate --status names an unreachable database with its password redacted (exit 2)", async () => {
    const url = `postgres://u:${password}@127.0.0.1:1/db`;
    const run = await wharf(["migrate", "--status"], { ...env, WHARF_DATABASE__POSTGRES__URL: url });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /wharf: cannot use the PostgreSQL database postgres:\/\/u:REDACTED@127\.0\.0\.1:1\/db: /);
    assert.ok(!`${run.stdout}${run.stderr}`.includes(password));
  });

  it("backup is a pg_dump archive; pg_restore into a new database serves the same image from the bucket", async () => {
    const pushed = await pushImageAs(nodes[0]!.url, "", "acme/app", "1.0");
    const dir = join(work, "backup");
    const run = await wharf(["backup", dir], env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /with pg_dump; restore it with pg_restore/);
    assert.match(run.stdout, /not included: the blobs: they stay in the S3 bucket/);
    assert.ok(!`${run.stdout}${run.stderr}`.includes(password));
    const manifest = JSON.parse(await readFile(join(dir, "wharf-backup.json"), "utf8"));
    assert.equal(manifest.format, "postgres");
    assert.deepEqual(manifest.files, ["wharf.pgdump"]);
    assert.ok(manifest.schemaVersion > 0);
    assert.ok(!JSON.stringify(manifest).includes(password));
    assert.equal((await stat(join(dir, "wharf.pgdump"))).mode & 0o777, 0o600);
    assert.equal((await stat(dir)).mode & 0o777, 0o700);

    restored = await createTestDatabase();
    const load = await runCommand(pgRestore(), ["--no-owner", `--dbname=${restored.url}`, join(dir, "wharf.pgdump")]);
    assert.equal(load.code, 0, load.stderr);
    const node = await startWharf({ env: { ...env, WHARF_DATABASE__POSTGRES__URL: restored.url } });
    nodes.push(node);
    const got = await fetch(`${node.url}/v2/acme/app/manifests/1.0`, { headers: { accept: manifestAccept } });
    assert.equal(got.status, 200);
    assert.equal(await got.text(), pushed.body);
    const layer = JSON.parse(pushed.body).layers[0].digest;
    const blob = await fetch(`${node.url}/v2/acme/app/blobs/${layer}`);
    assert.equal(await blob.text(), "layer of acme/app:1.0");

    const again = await wharf(["backup", dir], env);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /is not empty/);
  });

  it("wharf restore points a PostgreSQL backup to pg_restore", async () => {
    const run = await wharf(["restore", join(work, "backup"), "--data", join(work, "restored-data")], {});
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /is a PostgreSQL backup: restore it into an empty database with pg_restore --no-owner/);
    assert.ok(!existsSync(join(work, "restored-data")));
  });
});
