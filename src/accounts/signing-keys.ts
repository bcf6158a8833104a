/**
 * @module
 * The ES256 keys that sign registry tokens. They are generated into the data
 * directory on first start (`token-signing-keys.json`, mode 0600) and can be
 * rotated: the newest key signs, older keys keep verifying tokens they
 * signed until those expire (the last three keys are kept). Other nodes and
 * running servers pick up a rotation when they meet an unknown key id. With
 * PostgreSQL the ring lives in the database instead, shared by every node
 * ({@link loadSigningKeysFrom}), each private key sealed under the master key.
 */
import { randomBytes } from "node:crypto";
import { chmod, open, readFile, rename, stat } from "node:fs/promises";
import { join } from "node:path";
import { exportJWK, generateKeyPair, importJWK, type JWK } from "jose";
import type { SigningKeyStore } from "../metadata/signing-key-store.ts";
import type { KeyRing } from "../secrets/key-ring.ts";
import type { SealCounts } from "../secrets/seal-counts.ts";
import { newTally, openAtRest, plainJson, resealRows } from "../secrets/sealed-at-rest.ts";
import { encryptSecret } from "../secrets/secret-cipher.ts";

type Key = Awaited<ReturnType<typeof importJWK>>;

/** One signing key as stored. */
interface StoredKey {
  readonly kid: string;
  readonly createdAt: number;
  readonly privateJwk: JWK;
}

/** A loaded key ring: the signing key and every key that still verifies. */
export interface SigningKeys {
  /** The newest key; a rotation written by another process is picked up on the next call. */
  current(): Promise<{ readonly kid: string; readonly key: Key }>;
  /** The key for `kid`, re-reading the file once when it is unknown (another node rotated). */
  verificationKey(kid: string): Promise<Key | undefined>;
}

const fileName = "token-signing-keys.json";
const keep = 3;

async function newKey(): Promise<StoredKey> {
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  return { kid: randomBytes(8).toString("hex"), createdAt: Date.now(), privateJwk: await exportJWK(privateKey) };
}

async function readKeys(file: string): Promise<StoredKey[] | undefined> {
  try {
    const info = await stat(file);
    if ((info.mode & 0o077) !== 0) {
      throw new Error(`${file} is readable by other users; run: chmod 600 ${file}`);
    }
    return (JSON.parse(await readFile(file, "utf8")) as { keys: StoredKey[] }).keys;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

async function writeKeys(file: string, keys: StoredKey[]): Promise<void> {
  const temporary = `${file}.tmp-${randomBytes(4).toString("hex")}`;
  const handle = await open(temporary, "w", 0o600);
  try {
    await handle.writeFile(JSON.stringify({ keys }, null, 2));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await chmod(temporary, 0o600);
  await rename(temporary, file);
}

/** The public half of a stored key (a JWK without `d`). */
function publicKey(stored: StoredKey): Promise<Key> {
  const { d: _private, ...rest } = stored.privateJwk;
  return importJWK({ ...rest, alg: "ES256" }, "ES256");
}

/** Where a ring lives: a file, or the database. */
interface KeySource {
  read(): Promise<StoredKey[] | undefined>;
  /** Changes whenever the stored keys change (a file's mtime, the newest key id). */
  marker(): Promise<string>;
}

function fileSource(file: string): KeySource {
  return { read: () => readKeys(file), marker: async () => String((await stat(file)).mtimeMs) };
}

/** The associated data that binds a sealed token-signing key to its key id. */
const tokenKeyData = (kid: string) => `token-signing-key:${kid}`;

function storeSource(store: SigningKeyStore, keyRing: () => KeyRing): KeySource {
  const read = async () =>
    (await store.list()).map((r) => ({
      kid: r.kid,
      createdAt: r.createdAt,
      privateJwk: JSON.parse(
        openAtRest(keyRing(), r.privateJwk, tokenKeyData(r.kid), `token-signing key ${r.kid}`, plainJson),
      ),
    }));
  return { read, marker: async () => (await store.list()).at(-1)?.kid ?? "" };
}

async function toRing(source: KeySource, keys: StoredKey[]): Promise<SigningKeys> {
  const imported = new Map<string, Key>();
  for (const k of keys) imported.set(k.kid, await publicKey(k));
  const signingKey = async (stored: StoredKey) => ({
    kid: stored.kid,
    key: await importJWK({ ...stored.privateJwk, alg: "ES256" }, "ES256"),
  });
  let signing = await signingKey(keys[keys.length - 1]!);
  let seen = await source.marker();
  return {
    async current() {
      const modified = await source.marker();
      if (modified !== seen) {
        seen = modified;
        const newest = (await source.read())?.at(-1);
        if (newest && newest.kid !== signing.kid) {
          signing = await signingKey(newest);
          imported.set(newest.kid, await publicKey(newest));
        }
      }
      return signing;
    },
    async verificationKey(kid) {
      const known = imported.get(kid);
      if (known) return known;
      for (const k of (await source.read()) ?? []) {
        if (k.kid === kid) {
          const key = await publicKey(k);
          imported.set(kid, key);
          return key;
        }
      }
      return undefined;
    },
  };
}

/** Loads the keys from `dataDir`, generating the first one when there is none. */
export async function loadSigningKeys(dataDir: string): Promise<SigningKeys> {
  const file = join(dataDir, fileName);
  let keys = await readKeys(file);
  if (!keys || keys.length === 0) {
    keys = [await newKey()];
    await writeKeys(file, keys);
  }
  return toRing(fileSource(file), keys);
}

/**
 * Loads the keys from the database (PostgreSQL deployments, where every node
 * must sign and verify alike), adding the first one when there is none; two
 * nodes starting at once agree on the newest.
 */
export async function loadSigningKeysFrom(store: SigningKeyStore, keyRing: () => KeyRing): Promise<SigningKeys> {
  const source = storeSource(store, keyRing);
  let keys = await source.read();
  if (!keys || keys.length === 0) {
    await rotateSigningKeysIn(store, keyRing());
    keys = (await source.read())!;
  }
  return toRing(source, keys);
}

/** Adds a new signing key, sealed under `ring`, to the database (keeping the last {@link keep}); returns its key id. */
export async function rotateSigningKeysIn(store: SigningKeyStore, ring: KeyRing): Promise<string> {
  const key = await newKey();
  const sealed = encryptSecret(ring, JSON.stringify(key.privateJwk), tokenKeyData(key.kid));
  await store.add({ kid: key.kid, createdAt: key.createdAt, privateJwk: sealed }, keep);
  return key.kid;
}

/**
 * Seals under `ring`'s current version every key in the database that is not
 * yet (plain ones from before keys were sealed, ones under an older master key).
 */
export async function resealSigningKeysIn(store: SigningKeyStore, ring: KeyRing): Promise<SealCounts> {
  return resealRows(
    ring,
    await store.list(),
    {
      stored: (row) => row.privateJwk,
      associatedData: (row) => tokenKeyData(row.kid),
      label: (row) => `token-signing key ${row.kid}`,
      legacy: plainJson,
      replace: (row, expected, next) => store.replace(row.kid, expected, next),
    },
    newTally(),
  );
}

/** Adds a new signing key (keeping the last {@link keep}); returns its key id. */
export async function rotateSigningKeys(dataDir: string): Promise<string> {
  const file = join(dataDir, fileName);
  const keys = [...((await readKeys(file)) ?? []), await newKey()].slice(-keep);
  await writeKeys(file, keys);
  return keys[keys.length - 1]!.kid;
}
