/**
 * @module
 * What the pull-secret and service-deployment services are built from, each
 * dependency the smallest slice they use: the organization lookup, the
 * organization role, the audit log, the secrets store, the master-key ring
 * and how to make a registry client. The ring may be a function so the
 * composition root can swap in a rotated ring without rebuilding services.
 */
import type { AuditLog } from "../accounts/audit-log.ts";
import type { PermissionResolver } from "../accounts/permission-resolver.ts";
import type { AccountsMetadata } from "../metadata/accounts-metadata.ts";
import type { DockerSecretStore, SecretsMetadata, ServiceStore } from "../metadata/secrets-metadata.ts";
import type { RegistryClient } from "../registry-client/create-registry-client.ts";
import type { RegistryClientOptions } from "../registry-client/registry-client-options.ts";
import type { KeyRing } from "./key-ring.ts";

/** Makes a registry client; tests pass one that adds their own options. */
export type RegistryClientFactory = (options: RegistryClientOptions) => RegistryClient;

/**
 * The dependencies of the secrets and deploy services. `S` is the part of
 * the secrets store a service uses (see the slices below); only the wiring
 * holds the whole.
 */
export interface SecretServiceDeps<S = SecretsMetadata> {
  /** Finds organizations by name. */
  readonly accounts: Pick<AccountsMetadata, "findOrganization">;
  /** Decides a caller's role in an organization. */
  readonly resolver: Pick<PermissionResolver, "organizationRole">;
  /** Records every change and every render (never a secret value). */
  readonly audit: Pick<AuditLog, "record">;
  readonly store: S;
  /** The master-key ring (e.g. `(await loadMasterKeyRing({ dataDir, env })).ring`), or a function returning the current one. */
  readonly keyRing: KeyRing | (() => KeyRing);
  /**
   * Reloads the ring (MasterKeySource.reload), called when a ciphertext names
   * a key version the ring lacks — another process rotated the key — and
   * before a rotation. Without it the ring is never reloaded.
   */
  readonly reloadKeyRing?: () => Promise<unknown>;
  /** Registry clients for `check`; defaults to createRegistryClient. */
  readonly createRegistryClient?: RegistryClientFactory;
}

/** What the pull-secret services use: the secret store, and which services use a secret (renames, deletes). */
export type PullSecretStore = DockerSecretStore & Pick<ServiceStore, "servicesUsingSecret">;

/** Reading a secret by name. */
export type SecretLookup = Pick<DockerSecretStore, "findSecret">;

/** What the deploy service uses: the service store, and reading the pull secret a service names. */
export type DeployStore = ServiceStore & SecretLookup;

/** The ring to use now. */
export function currentRing(deps: Pick<SecretServiceDeps, "keyRing">): KeyRing {
  return typeof deps.keyRing === "function" ? deps.keyRing() : deps.keyRing;
}
