/**
 * @module
 * Assembles the accounts services from the database and configuration:
 * store, permission resolver, credential verifier, signing keys, registry
 * tokens and the audit log. The composition root calls this once.
 */
import type { Kysely } from "kysely";
import type { Config } from "../config/config-schema.ts";
import type { Logger } from "../log/create-logger.ts";
import type { Database } from "../metadata/database-schema.ts";
import { createAccountsMetadata } from "../metadata/kysely-accounts-metadata.ts";
import { createSigningKeyStore } from "../metadata/kysely-signing-key-store.ts";
import type { KeyRing } from "../secrets/key-ring.ts";
import type { SealCounts } from "../secrets/seal-counts.ts";
import { type Clock, systemClock } from "../time/clock.ts";
import { createAuditLog } from "./audit-log.ts";
import { createCredentialVerifier } from "./credential-verifier.ts";
import type { LicenseAuthority } from "./license-authority.ts";
import { createLoginRateLimiter, defaultRateLimits } from "./login-rate-limiter.ts";
import type { PasswordMemo } from "./password-memo.ts";
import { createPermissionResolver } from "./permission-resolver.ts";
import { createRegistryTokens } from "./registry-tokens.ts";
import { loadSigningKeys, loadSigningKeysFrom, resealSigningKeysIn } from "./signing-keys.ts";

/** Every accounts service. */
export type Accounts = Awaited<ReturnType<typeof createAccounts>>;

/**
 * Builds the accounts services; `options` carries the clock, the
 * password-check hook (metrics) and `licenses`, which lets customer licenses
 * authenticate and pull.
 */
export async function createAccounts(
  db: Kysely<Database>,
  config: Config,
  log: Logger,
  options: {
    readonly clock?: Clock;
    readonly onPasswordCheck?: (matched: boolean) => void;
    readonly licenses?: LicenseAuthority;
    /** The master-key ring: token-signing keys in a shared database are sealed under it. */
    readonly keyRing?: () => KeyRing;
    /** Passwords checked a moment ago, when shared beyond this process (a worker's, cluster/). */
    readonly passwordMemo?: PasswordMemo;
    /** Writes the audit events the server's other processes buffered (a worker's, cluster/). */
    readonly flushOtherAudits?: () => Promise<void>;
  } = {},
) {
  const clock = options.clock ?? systemClock;
  const store = createAccountsMetadata(db);
  const resolver = createPermissionResolver(store, options.licenses);
  const limiter = createLoginRateLimiter(store, defaultRateLimits, clock);
  const verifier = createCredentialVerifier(store, limiter, {
    clock,
    ...(options.onPasswordCheck && { onPasswordCheck: options.onPasswordCheck }),
    ...(options.licenses && { licenses: options.licenses }),
    ...(options.passwordMemo && { memo: options.passwordMemo }),
  });
  // Stateless nodes share the ring through PostgreSQL; the embedded setup keeps its key file.
  const keyStore = config.database.driver === "postgres" ? createSigningKeyStore(db) : undefined;
  const keyRing = options.keyRing;
  if (keyStore && !keyRing) throw new Error("token-signing keys in the database need the master key");
  const keys =
    keyStore && keyRing ? await loadSigningKeysFrom(keyStore, keyRing) : await loadSigningKeys(config.dataDir);
  /** Seals the token-signing keys in the database under `ring` (none in the embedded setup's key file). */
  const resealKeys = async (ring: KeyRing): Promise<SealCounts> =>
    keyStore ? resealSigningKeysIn(keyStore, ring) : { sealed: 0, changedMeanwhile: 0, failed: [] };
  const tokens = createRegistryTokens(
    keys,
    {
      issuer: config.auth.service,
      service: config.auth.service,
      ttlSeconds: Math.round(config.auth.tokenTtl / 1000),
      refreshTtlSeconds: Math.round(config.auth.refreshTtl / 1000),
    },
    clock,
  );
  const audit = createAuditLog(store, log, options.flushOtherAudits);
  return { store, resolver, limiter, verifier, tokens, audit, clock, resealKeys };
}
