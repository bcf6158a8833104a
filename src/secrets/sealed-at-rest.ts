/**
 * @module
 * Values other than pull secrets that Wharf keeps sealed under the master key
 * (license-signing keys, token-signing keys in a shared database, secret
 * license fields): sealing, opening, and telling a value written before it
 * was sealed. Such a legacy value is plain text marked by its writer's own
 * form — a JSON object for keys (`{`), the `plain:` prefix migration 0016
 * puts on secret field values — so a sealed value (`v<n>:…`) and a legacy one
 * are never confused; readers accept both, and the next seal pass or
 * master-key rotation seals what is still plain.
 */
import type { KeyRing } from "./key-ring.ts";
import { MasterKeyError } from "./master-key-error.ts";
import { decryptSecret, encryptSecret, keyVersionOf } from "./secret-cipher.ts";

/** The prefix of a secret value written before values were sealed (migration 0016). */
export const plainPrefix = "plain:";

/** The ring, or an error saying it is not loaded yet (a server loads it before it listens); `what` names the values. */
export function requireRing(keyRing: () => KeyRing | undefined, what: string): KeyRing {
  const ring = keyRing();
  if (!ring) throw new Error(`the master key is not loaded yet: ${what} cannot be sealed`);
  return ring;
}

/** True when `stored` is a sealed value (`v<n>:…`). */
export function isSealed(stored: string): boolean {
  return keyVersionOf(stored) !== undefined;
}

/**
 * The plaintext of `stored`: opened when sealed, the text after `plain:` for a
 * legacy value, and `stored` itself when `legacy(stored)` says it is plain in
 * its writer's own form. Throws MasterKeyError (`malformed`, `unknown-version`,
 * `authentication`) naming `label` when it cannot be opened.
 */
export function openAtRest(
  ring: KeyRing | undefined,
  stored: string,
  associatedData: string,
  label: string,
  legacy: (stored: string) => boolean = () => false,
): string {
  if (stored.startsWith(plainPrefix)) return stored.slice(plainPrefix.length);
  if (legacy(stored)) return stored;
  if (!ring) throw new MasterKeyError("malformed", `${label}: the master key is not loaded`);
  try {
    return decryptSecret(ring, stored, associatedData);
  } catch (error) {
    if (!(error instanceof MasterKeyError)) throw error;
    throw new MasterKeyError(error.reason, `${label}: ${error.message}`, { cause: error });
  }
}

/** True when `stored` is not sealed under the ring's current version (plain, or an older key). */
export function needsSealing(ring: KeyRing, stored: string): boolean {
  return keyVersionOf(stored) !== ring.currentVersion;
}

/** A legacy key is a JSON object in plain text. */
export const plainJson = (stored: string): boolean => stored.startsWith("{");

/** How a seal pass reads and writes one kind of row. */
export interface ResealSpec<R> {
  /** The value as stored (sealed, or plain in its legacy form). */
  stored(row: R): string;
  /** The associated data its seal is bound to. */
  associatedData(row: R): string;
  /** What the row is, for messages and the report (never its value). */
  label(row: R): string;
  /** Tells a legacy plain value in its writer's own form (see {@link openAtRest}). */
  legacy?: (stored: string) => boolean;
  /** Replaces the stored value with `next` only while it is still `expected`; false otherwise. */
  replace(row: R, expected: string, next: string): Promise<boolean>;
}

/** What a reseal pass over some rows did. */
export interface ResealTally {
  sealed: number;
  changedMeanwhile: number;
  failed: { target: string; reason: string }[];
}

/**
 * Seals under `ring`'s current version every row of `rows` whose value is
 * not yet (plain, or under an older key), adding to `tally`: a row changed by
 * someone else meanwhile is left as it is, one that cannot be opened is
 * listed with the reason.
 */
export async function resealRows<R>(ring: KeyRing, rows: Iterable<R>, spec: ResealSpec<R>, tally: ResealTally) {
  for (const row of rows) {
    const stored = spec.stored(row);
    if (!needsSealing(ring, stored)) continue;
    const data = spec.associatedData(row);
    let next: string;
    try {
      next = encryptSecret(ring, openAtRest(ring, stored, data, spec.label(row), spec.legacy), data);
    } catch (error) {
      if (!(error instanceof MasterKeyError)) throw error;
      tally.failed.push({ target: spec.label(row), reason: error.message });
      continue;
    }
    if (await spec.replace(row, stored, next)) tally.sealed += 1;
    else tally.changedMeanwhile += 1;
  }
  return tally;
}

/** An empty tally. */
export const newTally = (): ResealTally => ({ sealed: 0, changedMeanwhile: 0, failed: [] });
