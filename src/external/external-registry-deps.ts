/**
 * @module
 * What the external-registry service and the upstream directory are built
 * from, each dependency the smallest slice they use, plus the row-level
 * steps they share: the ring in use, finding a registry or failing with
 * `not-found`, opening its password (reloading the ring once when another
 * process rotated the key).
 */
import type { AuditLog } from "../accounts/audit-log.ts";
import type { PermissionResolver } from "../accounts/permission-resolver.ts";
import type { AccountsMetadata, OrganizationRow } from "../metadata/accounts-metadata.ts";
import type { ExternalRegistryRow, ExternalRegistryStore } from "../metadata/external-registries-metadata.ts";
import type { KeyRing } from "../secrets/key-ring.ts";
import { MasterKeyError } from "../secrets/master-key-error.ts";
import type { RegistryClientFactory } from "../secrets/secret-service-deps.ts";
import { ExternalRegistryError } from "./external-registry-error.ts";
import { openExternalPassword } from "./external-registry-vault.ts";

/** The dependencies of the external-registry module. */
export interface ExternalRegistryDeps {
  /** Organizations by name; applications (namespaces) by slug, for the directory. */
  readonly accounts: Pick<AccountsMetadata, "findOrganization" | "findNamespace">;
  /** Decides a caller's role in an organization. */
  readonly resolver: Pick<PermissionResolver, "organizationRole">;
  /** Records every change and test (never a password). */
  readonly audit: Pick<AuditLog, "record">;
  readonly store: ExternalRegistryStore;
  /** The master-key ring, or a function returning the current one (the pull secrets' ring). */
  readonly keyRing: KeyRing | (() => KeyRing);
  /** Reloads the ring when a ciphertext names a version it lacks (MasterKeySource.reload). */
  readonly reloadKeyRing?: () => Promise<unknown>;
  /** Registry clients for `test`; defaults to createRegistryClient. */
  readonly createRegistryClient?: RegistryClientFactory;
}

/** The ring to use now. */
export function ringOf(deps: Pick<ExternalRegistryDeps, "keyRing">): KeyRing {
  return typeof deps.keyRing === "function" ? deps.keyRing() : deps.keyRing;
}

/** `org/name`, as messages and audit targets name a registry. */
export function registryLabel(org: Pick<OrganizationRow, "name">, name: string): string {
  return `${org.name}/${name}`;
}

/** The registry `name` of `org`; ExternalRegistryError `not-found` when there is none. */
export async function requireRegistry(
  deps: Pick<ExternalRegistryDeps, "store">,
  org: OrganizationRow,
  name: string,
): Promise<ExternalRegistryRow> {
  const row = await deps.store.findExternalRegistry(org.id, name);
  if (row === undefined) {
    throw new ExternalRegistryError(
      "not-found",
      `organization ${JSON.stringify(org.name)} has no external registry ${JSON.stringify(name)}: see wharf external list`,
    );
  }
  return row;
}

/** The password of `row` (undefined when anonymous); reloads the ring once on an unknown key version. */
export async function openPassword(
  deps: Pick<ExternalRegistryDeps, "keyRing" | "reloadKeyRing">,
  row: ExternalRegistryRow,
  label: string,
): Promise<string | undefined> {
  try {
    return openExternalPassword(ringOf(deps), row, label);
  } catch (error) {
    const stale = error instanceof MasterKeyError && error.reason === "unknown-version";
    if (!stale || deps.reloadKeyRing === undefined) throw error;
    await deps.reloadKeyRing();
    return openExternalPassword(ringOf(deps), row, label);
  }
}
