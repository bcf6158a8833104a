/**
 * @module
 * The pull-secret service ("docker secrets"): what the management API, the
 * CLI and the portal call. Every method takes the caller and the
 * organization's name and decides, before anything else, whether that
 * caller may: members list and read (never a password); owners and admins
 * create, change, import, check and render. Passwords are encrypted at rest
 * under the master-key ring with AES-256-GCM, bound to their row; the only
 * way one leaves is `render`, and every render is audited.
 *
 * ```ts
 * const keys = await openMasterKeySource({ dataDir: config.dataDir, env: process.env });
 * const secrets = createSecretStoreService({ accounts: store, resolver, audit,
 *   store: createSecretsStore(db), keyRing: keys.ring, reloadKeyRing: keys.reload });
 * await secrets.create(caller, "acme", { name: "quay-io", kind: "private-registry",
 *   registry: "quay.io", username: "acme+ci", password });
 * ```
 */
import type { Caller } from "../accounts/management-access.ts";
import { requireOrganizationAccess } from "./organization-access.ts";
import { createSecretImport } from "./secret-import.ts";
import { createSecretRotation } from "./secret-rotation.ts";
import { requireSecret } from "./secret-rows.ts";
import type { PullSecretStore, SecretServiceDeps } from "./secret-service-deps.ts";
import { createSecretUse } from "./secret-use.ts";
import { type SecretView, toSecretView } from "./secret-view.ts";
import { createSecretWrites } from "./secret-writes.ts";

/** The pull-secret service. */
export type SecretStoreService = ReturnType<typeof createSecretStoreService>;

/**
 * Creates the pull-secret service. Methods (all async; SecretsError or AccountsError for what
 * a client can fix — invalid-input, not-found, conflict, forbidden,
 * unauthenticated; MasterKeyError when the master key cannot open a secret):
 * - `list(caller, org)`, `get(caller, org, name)`: members; SecretView, no password.
 * - `create(caller, org, CreateSecretInput)`, `update(caller, org, name, UpdateSecretInput)`,
 *   `rename(caller, org, name, newName)`, `delete(caller, org, name)`: owners and admins.
 * - `importConfig(caller, org, configJsonText)`: owners and admins; created secrets and notes.
 * - `render(caller, org, names, RenderSecretOptions)`: owners and admins; the password, audited.
 * - `check(caller, org, name, image, { allPlatforms })`: owners and admins; a SecretCheckResult.
 * - `rotateAll(caller?)`: re-encrypt under the current key; server admin or operator.
 */
export function createSecretStoreService(deps: SecretServiceDeps<PullSecretStore>) {
  return {
    /** The organization's secrets by name, without passwords. Any member. */
    async list(caller: Caller, orgName: string): Promise<SecretView[]> {
      const org = await requireOrganizationAccess(deps, caller, orgName, "read", "list its pull secrets");
      return (await deps.store.listSecrets(org.id)).map(toSecretView);
    },

    /** One secret without its password; `not-found` when the organization has none of that name. Any member. */
    async get(caller: Caller, orgName: string, name: string): Promise<SecretView> {
      const org = await requireOrganizationAccess(deps, caller, orgName, "read", "read its pull secrets");
      return toSecretView(await requireSecret(deps, org, name));
    },

    ...createSecretWrites(deps),
    ...createSecretImport(deps),
    ...createSecretUse(deps),
    ...createSecretRotation(deps),
  };
}
