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
import { type Clock, systemClock } from "../time/clock.ts";
import { createAuditLog } from "./audit-log.ts";
import { createCredentialVerifier } from "./credential-verifier.ts";
import type { LicenseAuthority } from "./license-authority.ts";
import { createLoginRateLimiter, defaultRateLimits } from "./login-rate-limiter.ts";
import { createPermissionResolver } from "./permission-resolver.ts";
import { createRegistryTokens } from "./registry-tokens.ts";
import { loadSigningKeys, loadSigningKeysFrom } from "./signing-keys.ts";

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
  });
  // Stateless nodes share the ring through PostgreSQL; the embedded setup keeps its key file.
  const keys =
    config.database.driver === "postgres"
      ? await loadSigningKeysFrom(createSigningKeyStore(db))
      : await loadSigningKeys(config.dataDir);
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
  const audit = createAuditLog(store, log);
  return { store, resolver, limiter, verifier, tokens, audit, clock };
}
