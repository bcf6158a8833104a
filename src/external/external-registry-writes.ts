/**
 * @module
 * Adding, changing and removing an organization's external registries.
 * Only owners and admins may; every rule is checked before anything is
 * stored; a new password is sealed under the current key for the row's id;
 * a lost race for a short name becomes the same `conflict` as a name already
 * taken. Each change is audited, never with a password.
 */
import type { Caller } from "../accounts/management-access.ts";
import type { OrganizationRow } from "../metadata/accounts-metadata.ts";
import type { ExternalRegistryRow } from "../metadata/external-registries-metadata.ts";
import { recordAudit, requireOrganizationAccess } from "../secrets/organization-access.ts";
import { type ExternalRegistryDeps, registryLabel, requireRegistry, ringOf } from "./external-registry-deps.ts";
import { ExternalRegistryError } from "./external-registry-error.ts";
import {
  type AddExternalRegistryInput,
  type UpdateExternalRegistryInput,
  updatableFields,
} from "./external-registry-input.ts";
import { sealExternalPassword } from "./external-registry-vault.ts";
import { type ExternalRegistryView, toExternalRegistryView } from "./external-registry-view.ts";
import { planAddition, planChange } from "./plan-registry-fields.ts";

const manage = "manage its external registries";

function nameTaken(org: OrganizationRow, name: string): ExternalRegistryError {
  return new ExternalRegistryError(
    "conflict",
    `organization ${JSON.stringify(org.name)} already has an external registry ${JSON.stringify(name)}: choose another short name, or update that one`,
  );
}

/** Runs `write`; when it fails and `name` is now taken (a lost race), throws `conflict` instead. */
async function orTaken<T>(deps: ExternalRegistryDeps, org: OrganizationRow, name: string, write: () => Promise<T>) {
  try {
    return await write();
  } catch (error) {
    if (await deps.store.findExternalRegistry(org.id, name).catch(() => undefined)) throw nameTaken(org, name);
    throw error;
  }
}

/** The registry-changing operations. */
export function createExternalRegistryWrites(deps: ExternalRegistryDeps) {
  return {
    /** Adds a registry; `invalid` listing every broken rule, `conflict` when the short name is taken. Audited as `external.add`. */
    async add(caller: Caller, orgName: string, input: AddExternalRegistryInput): Promise<ExternalRegistryView> {
      const org = await requireOrganizationAccess(deps, caller, orgName, "manage", manage);
      const plan = planAddition(input);
      if (await deps.store.findExternalRegistry(org.id, plan.name)) throw nameTaken(org, plan.name);
      const ring = ringOf(deps);
      const password = plan.password;
      const seal =
        password === undefined ? undefined : (id: number) => sealExternalPassword(ring, org.id, id, password);
      const row = await orTaken(deps, org, plan.name, () =>
        deps.store.createExternalRegistry(org.id, plan.name, plan.fields, seal),
      );
      recordAudit(deps, caller, "external.add", `external:${registryLabel(org, row.name)}`, {
        host: row.host,
        prefix: row.prefix,
        insecure: row.insecure,
        anonymous: row.username === null,
      });
      return toExternalRegistryView(row);
    },

    /** Changes a registry (see UpdateExternalRegistryInput); `not-found`, `invalid`, `conflict`. Audited as `external.update`. */
    async update(
      caller: Caller,
      orgName: string,
      name: string,
      changes: UpdateExternalRegistryInput,
    ): Promise<ExternalRegistryView> {
      const org = await requireOrganizationAccess(deps, caller, orgName, "manage", manage);
      const row: ExternalRegistryRow = await requireRegistry(deps, org, name);
      const plan = planChange(row, changes);
      const newName = plan.fields.name;
      if (newName !== undefined && newName !== name && (await deps.store.findExternalRegistry(org.id, newName))) {
        throw nameTaken(org, newName);
      }
      const password = plan.password;
      const sealed =
        password === undefined || password === null
          ? password
          : sealExternalPassword(ringOf(deps), org.id, row.id, password);
      const write = () => deps.store.updateExternalRegistry(row.id, plan.fields, sealed);
      const renamed = newName !== undefined && newName !== name;
      const updated = renamed ? await orTaken(deps, org, newName, write) : await write();
      const changed = updatableFields.filter((key) => changes[key] !== undefined);
      recordAudit(deps, caller, "external.update", `external:${registryLabel(org, updated.name)}`, {
        changed,
        ...(updated.name !== name && { from: name }),
      });
      return toExternalRegistryView(updated);
    },

    /** Removes a registry; `not-found` when there is none. Audited as `external.remove`. */
    async remove(caller: Caller, orgName: string, name: string): Promise<void> {
      const org = await requireOrganizationAccess(deps, caller, orgName, "manage", manage);
      const row = await requireRegistry(deps, org, name);
      await deps.store.deleteExternalRegistry(row.id);
      recordAudit(deps, caller, "external.remove", `external:${registryLabel(org, name)}`, { host: row.host });
    },
  };
}
