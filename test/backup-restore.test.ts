/**
 * @module
 * Online backup and restore as an operator runs them: `wharf backup` in its
 * own process while pushes stream into a running `wharf serve`, `wharf
 * restore` into a new data directory, and a server started on it serves
 * every image acknowledged before the backup started, byte for byte. Key
 * files are included (the master key only when asked), and damaged or
 * misplaced input is refused with a message instead of a half-done job.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { pushImage } from "./support/registry-http.ts";
import { runCommand } from "./support/run-command.ts";
import { removeDataDir, repoRoot, startWharf, type WharfProcess } from "./support/start-wharf.ts";
import { describeRun } from "./support/wharf-cli.ts";

let work: string;

/**
 * `bin/wharf` for the operator commands. Not the session-keeping CLI helper
 * of support/: its session variables are not configuration keys, and these
 * commands read the configuration.
 */
const cli = () => ({
  async ok(args: string[]): Promise<string> {
    const run = await runCommand(join(repoRoot, "bin", "wharf"), args, { timeoutMs: 120_000 });
    assert.equal(run.code, 0, describeRun(args, run));
    return run.stdout;
  },
  async fails(args: string[]): Promise<string> {
    const run = await runCommand(join(repoRoot, "bin", "wharf"), args, { timeoutMs: 120_000 });
    assert.notEqual(run.code, 0, describeRun(args, run));
    assert.match(run.stderr, /^wharf: /m, describeRun(args, run));
    return run.stderr;
  },
});

interface Pushed {
  readonly name: string;
  readonly tag: string;
  readonly body: string;
  readonly config: string;
  readonly layer: string;
}

/** Pushes images in `writers` parallel loops until stopped; `acked` grows as each manifest PUT returns 201. */
function streamPushes(base: string, writers: number) {
  const acked: Pushed[] = [];
  let stopped = false;
  const waiters: { count: number; done: () => void }[] = [];
  const loops = Array.from({ length: writers }, async (_, writer) => {
    for (let i = 0; !stopped; i++) {
      const name = `stream/app${writer}`;
      const tag = `v${i}`;
      const pushed = await pushImage(base, name, tag, { annotations: { writer: String(writer), i: String(i) } });
      acked.push({ name, tag, ...pushed });
      for (const waiter of waiters.filter((w) => acked.length >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.done();
      }
    }
  });
  return {
    acked,
    /** Resolves once `count` images were acknowledged. */
    reached: (count: number) =>
      new Promise<void>((done) => (acked.length >= count ? done() : waiters.push({ count, done }))),
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

async function assertServes(wharf: WharfProcess, image: Pushed): Promise<void> {
  const manifest = await fetch(`${wharf.url}/v2/${image.name}/manifests/${image.tag}`, {
    headers: { accept: "application/vnd.oci.image.manifest.v1+json" },
  });
  assert.equal(manifest.status, 200, `${image.name}:${image.tag}`);
  assert.equal(await manifest.text(), image.body);
  for (const digest of [image.config, image.layer]) {
    const blob = await fetch(`${wharf.url}/v2/${image.name}/blobs/${digest}`);
    assert.equal(blob.status, 200, `${image.name} ${digest}`);
    const bytes = Buffer.from(await blob.arrayBuffer());
    assert.equal(`sha256:${(await import("node:crypto")).createHash("sha256").update(bytes).digest("hex")}`, digest);
  }
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), "wharf-backup-"));
});

after(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe("wharf backup and restore", () => {
  test("a backup taken during a stream of pushes restores every image acknowledged before it started", async (t) => {
    const source = await startWharf();
    const restoredDir = join(work, "restored");
    let restored: WharfProcess | undefined;
    try {
      const stream = streamPushes(source.url, 3);
      await stream.reached(12);
      const acknowledged = [...stream.acked];
      const backupDir = join(work, "during-pushes");
      const out = await cli().ok(["backup", backupDir, "--data", source.dataDir]);
      const countAfterBackup = stream.acked.length;
      await stream.stop();
      assert.match(out, /backed up schema version \d+, \d+ blobs/);
      const manifest = JSON.parse(await readFile(join(backupDir, "wharf-backup.json"), "utf8"));
      assert.ok(manifest.blobs >= acknowledged.length * 2, JSON.stringify(manifest));
      assert.equal(existsSync(join(backupDir, "wharf.db-wal")), false, "the snapshot is one file");

      await cli().ok(["restore", backupDir, "--data", restoredDir]);
      restored = await startWharf({ dataDir: restoredDir });
      for (const image of acknowledged) await assertServes(restored, image);
      t.diagnostic(
        `${acknowledged.length} images acknowledged before the backup, ${countAfterBackup - acknowledged.length} while it ran`,
      );
    } finally {
      await restored?.stop();
      await source.stop();
      await removeDataDir(source.dataDir);
      await removeDataDir(restoredDir);
    }
  });

  test("keys: the signing keys always, the master key only with --include-master-key", async () => {
    const server = await startWharf({ auth: true });
    await server.stop();
    try {
      const plain = join(work, "keys-plain");
      const out = await cli().ok(["backup", plain, "--data", server.dataDir]);
      assert.match(out, /master key is not in this backup/);
      assert.ok(existsSync(join(plain, "token-signing-keys.json")));
      assert.equal(existsSync(join(plain, "master-key.json")), false);

      const withKey = join(work, "keys-with-master");
      await cli().ok(["backup", withKey, "--data", server.dataDir, "--include-master-key"]);
      assert.deepEqual(
        await readFile(join(withKey, "master-key.json")),
        await readFile(join(server.dataDir, "master-key.json")),
      );
      const restoredDir = join(work, "keys-restored");
      await cli().ok(["restore", withKey, "--data", restoredDir]);
      const restored = await startWharf({ dataDir: restoredDir, auth: true });
      const token = await fetch(`${restored.url}/auth/token?service=wharf`, {
        headers: { authorization: `Basic ${Buffer.from("admin:admin-password-for-tests").toString("base64")}` },
      });
      assert.equal(token.status, 200, "the restored accounts answer");
      await restored.stop();
      await removeDataDir(restoredDir);
    } finally {
      await removeDataDir(server.dataDir);
    }
  });

  test("refuses a non-empty target, a missing database and a damaged blob", async () => {
    const server = await startWharf();
    try {
      await pushImage(server.url, "acme/app", "1");
      const busy = join(work, "busy");
      await cli().ok(["backup", busy, "--data", server.dataDir]);
      assert.match(await cli().fails(["backup", busy, "--data", server.dataDir]), /is not empty/);
      assert.match(await cli().fails(["restore", busy, "--data", server.dataDir]), /is not empty/);
      assert.match(await cli().fails(["backup", join(work, "x"), "--data", join(work, "nowhere")]), /no database at/);
      assert.match(
        await cli().fails(["restore", join(work, "nowhere"), "--data", join(work, "y")]),
        /not a Wharf backup/,
      );

      const [prefix] = await readdir(join(busy, "blobs", "sha256"));
      const [name] = await readdir(join(busy, "blobs", "sha256", prefix!));
      // A new file, not a write through the hard link the backup shares with the live blob.
      await rm(join(busy, "blobs", "sha256", prefix!, name!));
      await writeFile(join(busy, "blobs", "sha256", prefix!, name!), "tampered");
      assert.match(await cli().fails(["restore", busy, "--data", join(work, "from-damaged")]), /is damaged/);
    } finally {
      await server.stop();
      await removeDataDir(server.dataDir);
    }
  });
});
