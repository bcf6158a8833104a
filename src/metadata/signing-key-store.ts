/**
 * @module
 * The port for token-signing keys kept in the database (shared by nodes).
 */

/** One stored key: its id, creation time (ms) and private JWK (sealed under the master key; plain JSON before). */
export interface StoredSigningKeyRow {
  readonly kid: string;
  readonly createdAt: number;
  readonly privateJwk: string;
}

/** Token-signing keys in the database. */
export interface SigningKeyStore {
  /** Every key, oldest first (by creation time, then id). */
  list(): Promise<StoredSigningKeyRow[]>;
  /** Adds `key` unless its id exists, then deletes all but the newest `keep`. */
  add(key: StoredSigningKeyRow, keep: number): Promise<void>;
  /** Replaces key `kid`'s stored private JWK only while it is still `expected`; false otherwise. */
  replace(kid: string, expected: string, next: string): Promise<boolean>;
}
