/**
 * @module
 * The master-key ring a running server holds, and how it learns of a new
 * key without a restart. A rotation adds a key version to the key file —
 * from this server (`rotate`) or from `wharf secrets rotate-key` run beside
 * it — and then re-encrypts rows under it; a server still holding the old
 * ring would fail to open those rows. So the services read the ring through
 * `ring()` and, when a ciphertext names a version the ring lacks, call
 * `reload()` once and try again.
 *
 * ```ts
 * const keys = await openMasterKeySource({ dataDir: config.dataDir, env: process.env });
 * createSecretStoreService({ ..., keyRing: keys.ring, reloadKeyRing: keys.reload });
 * ```
 */
import type { KeyRing } from "./key-ring.ts";
import { loadMasterKeyRing, type MasterKeyEnv, rotateMasterKey } from "./master-key-file.ts";

/** The current ring, with ways to refresh it. */
export interface MasterKeySource {
  /** Where the keys come from: `WHARF_MASTER_KEY`, or the key file in the data directory. */
  readonly source: "environment" | "file";
  /** The ring loaded last. Synchronous, cheap: call it for every operation. */
  ring(): KeyRing;
  /** Loads the keys again (the file may have gained a version); the new ring. Throws as loadMasterKeyRing does. */
  reload(): Promise<KeyRing>;
  /**
   * Adds a key version to the key file and makes it current here (see
   * rotateMasterKey); re-encrypt the secrets afterwards with `rotateAll`.
   * Throws MasterKeyError (`invalid-key`) when the keys come from the environment.
   */
  rotate(): Promise<{ readonly version: number }>;
}

/** Loads the ring as loadMasterKeyRing does (creating the key file on first start) and keeps it. */
export async function openMasterKeySource(options: {
  readonly dataDir: string;
  readonly env?: MasterKeyEnv;
}): Promise<MasterKeySource> {
  const loaded = await loadMasterKeyRing(options);
  let ring = loaded.ring;
  return {
    source: loaded.source,
    ring: () => ring,
    async reload() {
      ring = (await loadMasterKeyRing(options)).ring;
      return ring;
    },
    async rotate() {
      const rotated = await rotateMasterKey(options.dataDir, { env: options.env ?? process.env });
      ring = rotated.ring;
      return { version: rotated.version };
    },
  };
}
