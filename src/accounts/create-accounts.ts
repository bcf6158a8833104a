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
import { createAuditLog } from "./audit-log.ts";
import { createCredentialVerifier } from "./credential-verifier.ts";
import type { LicenseAuthority } from "./license-authority.ts";
import { createLoginRateLimiter } from "./login-rate-limiter.ts";
import { createPermissionResolver } from "./permission-resolver.ts";
import { createRegistryTokens } from "./registry-tokens.ts";
import { loadSigningKeys } from "./signing-keys.ts";

/** Every accounts service. */
export type Accounts = Awaited<ReturnType<typeof createAccounts>>;

/** Builds the accounts services; `licenses` (optional) lets customer licenses authenticate and pull. */
export async function createAccounts(db: Kysely<Database>, config: Config, log: Logger, licenses?: LicenseAuthority) {
  const store = createAccountsMetadata(db);
  const resolver = createPermissionResolver(store, licenses);
  const limiter = createLoginRateLimiter(store);
  const verifier = createCredentialVerifier(store, limiter, licenses);
  const keys = await loadSigningKeys(config.dataDir);
  const tokens = createRegistryTokens(keys, {
    issuer: config.auth.service,
    service: config.auth.service,
    ttlSeconds: Math.round(config.auth.tokenTtl / 1000),
    refreshTtlSeconds: Math.round(config.auth.refreshTtl / 1000),
  });
  const audit = createAuditLog(store, log);
  return { store, resolver, limiter, verifier, tokens, audit };
}
