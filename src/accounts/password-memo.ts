/**
 * @module
 * Which passwords were checked by scrypt a moment ago: the credential
 * verifier skips the (deliberately slow) check for them, until `until` or
 * until the user's password hash changes. Keys are SHA-256 of the user
 * name and password, never the password. One process keeps them in a map;
 * with `server.workers` the workers share the primary's (cluster/), so a
 * password is checked once for the whole server, whichever worker a
 * connection lands on.
 */

/** A remembered check: the hash it matched, and until when it counts. */
export interface RememberedPassword {
  readonly passwordHash: string;
  readonly until: number;
}

/** The memo the verifier reads and writes. */
export interface PasswordMemo {
  get(key: string): RememberedPassword | undefined | Promise<RememberedPassword | undefined>;
  set(key: string, entry: RememberedPassword): void;
}

const maxRemembered = 5000;

/** A memo in this process's memory (cleared whole when it holds {@link maxRemembered}). */
export function createLocalPasswordMemo(): PasswordMemo & { get(key: string): RememberedPassword | undefined } {
  const remembered = new Map<string, RememberedPassword>();
  return {
    get: (key) => remembered.get(key),
    set(key, entry) {
      if (remembered.size >= maxRemembered) remembered.clear();
      remembered.set(key, entry);
    },
  };
}
