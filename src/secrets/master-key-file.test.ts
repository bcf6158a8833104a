/**
 * @module
 * Tests of the master-key file in a temporary data directory: creation with
 * mode 0600, reloading the same key, concurrent first starts, the refusal of a
 * readable or damaged file, the environment override, and rotation.
 */
import assert from "node:assert/strict";
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { MasterKeyError } from "./master-key-error.ts";
import { loadMasterKeyRing, masterKeyFileName, rotateMasterKey } from "./master-key-file.ts";
import { decryptSecret, encryptSecret } from "./secret-cipher.ts";

let root: string;
let count = 0;
const noEnv = {};
const posix = process.platform !== "win32";

function freshDir(): string {
  count += 1;
  return join(root, `data-${count}`);
}

function rejectsWith(reason: string, part: string) {
  return (error: unknown) => {
    assert.ok(error instanceof MasterKeyError, String(error));
    assert.equal(error.reason, reason);
    assert.ok(error.message.includes(part), `${error.message} lacks ${part}`);
    return true;
  };
}

describe("master key file", () => {
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "wharf-master-key-"));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test("is created 0600 on first use and reloaded after", async () => {
    const dataDir = freshDir();
    const first = await loadMasterKeyRing({ dataDir, env: noEnv });
    assert.equal(first.created, true);
    assert.equal(first.source, "file");
    assert.equal(first.file, join(dataDir, masterKeyFileName));
    if (posix) assert.equal((await stat(first.file!)).mode & 0o777, 0o600);
    const second = await loadMasterKeyRing({ dataDir, env: noEnv });
    assert.equal(second.created, false);
    const text = encryptSecret(first.ring, "s3cr3t", "acme/x");
    assert.equal(decryptSecret(second.ring, text, "acme/x"), "s3cr3t");
    assert.deepEqual(await readdir(dataDir), [masterKeyFileName]);
    const content = JSON.parse(await readFile(first.file!, "utf8"));
    assert.equal(content.format, "wharf-master-key/v1");
    assert.equal(content.current, 1);
  });

  test("concurrent first starts agree on one key", async () => {
    const dataDir = freshDir();
    const loads = await Promise.all(Array.from({ length: 8 }, () => loadMasterKeyRing({ dataDir, env: noEnv })));
    assert.equal(loads.filter((load) => load.created).length, 1);
    const key = loads[0]!.ring.keyFor(1);
    for (const load of loads) assert.deepEqual(load.ring.keyFor(1), key);
    assert.deepEqual(await readdir(dataDir), [masterKeyFileName]);
  });

  test("refuses a file readable by group or others, saying chmod 600", {
    skip: !posix && "POSIX modes only",
  }, async () => {
    const dataDir = freshDir();
    const { file } = await loadMasterKeyRing({ dataDir, env: noEnv });
    await chmod(file!, 0o644);
    await assert.rejects(
      loadMasterKeyRing({ dataDir, env: noEnv }),
      rejectsWith("insecure-file", `mode 0644): run \`chmod 600 ${file}\``),
    );
    await chmod(file!, 0o600);
    await loadMasterKeyRing({ dataDir, env: noEnv });
  });

  // biome-ignore format: one case per line reads as a table
  const damaged: readonly (readonly [string, string])[] = [
    ["{", "it is not valid JSON"],
    ["[]", "(top)"],
    [JSON.stringify({ format: "wharf-master-key/v1", current: 1, keys: [] }), "keys"],
    [JSON.stringify({ format: "wharf-master-key/v1", current: 1, keys: [{ version: 1, key: "AAAA" }] }), "is 3 bytes"],
    [JSON.stringify({ format: "wharf-master-key/v1", current: 2, keys: [{ version: 1, key: Buffer.alloc(32).toString("base64") }] }), "current master key version 2"],
    [JSON.stringify({ format: "wharf-master-key/v1", current: 1, keys: [], extra: true }), "extra"],
    [JSON.stringify({ format: "other", current: 1, keys: [{ version: 1, key: "AAAA" }] }), "format"],
  ];
  for (const [content, part] of damaged) {
    test(`refuses a damaged file: ${content.slice(0, 40)}`, async () => {
      const dataDir = freshDir();
      const { file } = await loadMasterKeyRing({ dataDir, env: noEnv });
      await writeFile(file!, content, { mode: 0o600 });
      await assert.rejects(loadMasterKeyRing({ dataDir, env: noEnv }), rejectsWith("invalid-key", part));
    });
  }

  test("WHARF_MASTER_KEY overrides the file and leaves the directory alone", async () => {
    const dataDir = freshDir();
    const env = { WHARF_MASTER_KEY: Buffer.alloc(32, 5).toString("base64") };
    const loaded = await loadMasterKeyRing({ dataDir, env });
    assert.equal(loaded.source, "environment");
    assert.deepEqual(loaded.ring.keyFor(1), Buffer.alloc(32, 5));
    await assert.rejects(stat(dataDir), { code: "ENOENT" });
    await assert.rejects(rotateMasterKey(dataDir, { env }), rejectsWith("invalid-key", "appending a new entry"));
  });

  test("rotation adds a current version and keeps the old ones", async () => {
    const dataDir = freshDir();
    const { ring: before } = await loadMasterKeyRing({ dataDir, env: noEnv });
    const old = encryptSecret(before, "s3cr3t", "acme/x");
    const rotated = await rotateMasterKey(dataDir, { env: noEnv });
    assert.equal(rotated.version, 2);
    assert.equal(rotated.ring.currentVersion, 2);
    const reloaded = await loadMasterKeyRing({ dataDir, env: noEnv });
    assert.deepEqual(reloaded.ring.versions, [1, 2]);
    assert.equal(decryptSecret(reloaded.ring, old, "acme/x"), "s3cr3t");
    assert.notDeepEqual(reloaded.ring.keyFor(2), reloaded.ring.keyFor(1));
    if (posix) assert.equal((await stat(rotated.file)).mode & 0o777, 0o600);
    assert.equal((await rotateMasterKey(dataDir, { env: noEnv })).version, 3);
    assert.deepEqual(await readdir(dataDir), [masterKeyFileName]);
  });
});
