/**
 * @module
 * Where the master key lives by default: a JSON file in the data directory,
 * created on first start so that `wharf serve` with no configuration encrypts
 * secrets from the first one. The file is the one thing that must never leak
 * with a backup of the database, so Wharf creates it 0600 and refuses to
 * start when group or others can read it. `WHARF_MASTER_KEY` overrides it.
 *
 * ```
 * <dataDir>/master-key.json   mode 0600
 * { "format": "wharf-master-key/v1", "current": 2,
 *   "keys": [ { "version": 1, "key": "<base64 of 32 bytes>", "created": "<ISO time>" }, … ] }
 * ```
 */
import { randomBytes } from "node:crypto";
import { link, mkdir, open, rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { KeyRing } from "./key-ring.ts";
import { masterKeyLength } from "./key-ring.ts";
import { masterKeyEnvVar, parseMasterKeyEnv } from "./master-key-env.ts";
import { MasterKeyError } from "./master-key-error.ts";
import { type KeyFile, parseKeyFile, ringOf } from "./master-key-file-format.ts";

/** The key file's name inside the data directory. */
export const masterKeyFileName = "master-key.json";

/** The environment as far as this module reads it. */
export type MasterKeyEnv = Readonly<Record<string, string | undefined>>;

/** A loaded ring and where it came from. */
export interface LoadedMasterKey {
  readonly ring: KeyRing;
  readonly source: "environment" | "file";
  /** The key file, when `source` is "file". */
  readonly file?: string;
  /** True when this call created the key file. */
  readonly created: boolean;
}

/**
 * Loads the master-key ring. When `env.WHARF_MASTER_KEY` is set (even to
 * ""), it alone is used (see parseMasterKeyEnv) and the file is not touched.
 * Otherwise reads `<dataDir>/master-key.json`, creating the directory (0700)
 * and the file (0600, one fresh version 1) when missing; two processes
 * starting at once end up with the same key. Throws MasterKeyError:
 * `insecure-file` when the file's mode grants group/other any access,
 * `invalid-key` when it is not a valid key file. I/O errors pass through.
 */
export async function loadMasterKeyRing(options: {
  readonly dataDir: string;
  readonly env?: MasterKeyEnv;
}): Promise<LoadedMasterKey> {
  const value = (options.env ?? process.env)[masterKeyEnvVar];
  if (value !== undefined) return { ring: parseMasterKeyEnv(value), source: "environment", created: false };
  const file = join(options.dataDir, masterKeyFileName);
  const existing = await readKeyFile(file);
  if (existing !== undefined) return { ring: ringOf(existing), source: "file", file, created: false };
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const fresh: KeyFile = { format: "wharf-master-key/v1", current: 1, keys: [newKey(1)] };
  const temp = await writeTemp(file, fresh);
  try {
    await link(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const winner = (await readKeyFile(file))!;
    return { ring: ringOf(winner), source: "file", file, created: false };
  } finally {
    await unlink(temp);
  }
  return { ring: ringOf(fresh), source: "file", file, created: true };
}

/**
 * Adds a new master-key version (highest + 1) to the key file and makes it
 * current; old versions stay so existing ciphertext still decrypts (re-encrypt
 * it with `reencrypt`). Creates the file first when missing. Replaces the file
 * atomically (0600). Throws MasterKeyError (`invalid-key`) when
 * `WHARF_MASTER_KEY` is set — that key is rotated by adding a list entry —
 * and as {@link loadMasterKeyRing} does. Concurrent rotations are not
 * serialized: run one at a time.
 */
export async function rotateMasterKey(
  dataDir: string,
  options: { readonly env?: MasterKeyEnv } = {},
): Promise<{ readonly ring: KeyRing; readonly version: number; readonly file: string }> {
  if ((options.env ?? process.env)[masterKeyEnvVar] !== undefined) {
    throw new MasterKeyError(
      "invalid-key",
      `the master key comes from ${masterKeyEnvVar}, not a key file: rotate it by appending a new entry, as in "v1:<old>,v2:<new>"`,
    );
  }
  const { file } = await loadMasterKeyRing({ dataDir, env: {} });
  const current = (await readKeyFile(file!))!;
  const version = Math.max(...current.keys.map((key) => key.version)) + 1;
  const next: KeyFile = { ...current, current: version, keys: [...current.keys, newKey(version)] };
  await rename(await writeTemp(file!, next), file!);
  await syncDirectory(dataDir);
  return { ring: ringOf(next), version, file: file! };
}

/** The parsed file, or undefined when it does not exist. Checks the mode on the open descriptor. */
async function readKeyFile(file: string): Promise<KeyFile | undefined> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    const { mode } = await handle.stat();
    if (process.platform !== "win32" && (mode & 0o077) !== 0) {
      const octal = (mode & 0o777).toString(8).padStart(4, "0");
      throw new MasterKeyError(
        "insecure-file",
        `master key file ${file} is accessible by group or others (mode ${octal}): run \`chmod 600 ${file}\` and restart`,
      );
    }
    return parseKeyFile(await handle.readFile("utf8"), file);
  } finally {
    await handle.close();
  }
}

/** Writes `content` to a fresh 0600 temporary file beside `file`, synced to disk; returns its path. */
async function writeTemp(file: string, content: KeyFile): Promise<string> {
  const temp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  const handle = await open(temp, "wx", 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(content, null, 2)}\n`, "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
  return temp;
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function newKey(version: number): KeyFile["keys"][number] {
  const key = randomBytes(masterKeyLength).toString("base64");
  return { version, key, created: new Date().toISOString() };
}
