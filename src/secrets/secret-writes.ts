/**
 * @module
 * Creating, changing, renaming and deleting pull secrets. Every input rule
 * is checked before anything is stored and every broken rule is reported at
 * once; a changed password is sealed again under the current key; a rename
 * carries the services that use the secret along; a secret still used by a
 * service cannot be deleted (its deployments would stop pulling).
 */
import type { Caller } from "../accounts/management-access.ts";
import type { DockerSecretFields, DockerSecretRow } from "../metadata/secrets-metadata.ts";
import { recordAudit, requireOrganizationAccess } from "./organization-access.ts";
import { checkSecretFields, validateEmail, validatePassword, validateUsername } from "./secret-fields.ts";
import {
  assertSecretInputShape,
  type CreateSecretInput,
  collect,
  refuseAll,
  type UpdateSecretInput,
  updatableSecretFields,
} from "./secret-input.ts";
import { validateSecretName } from "./secret-name.ts";
import { registryFields, resolveSecretRegistry } from "./secret-registry.ts";
import { insertSecret, requireSecret, secretLabel, secretNameTaken } from "./secret-rows.ts";
import { currentRing, type PullSecretStore, type SecretServiceDeps } from "./secret-service-deps.ts";
import { sealSecretValue } from "./secret-vault.ts";
import { type SecretView, toSecretView } from "./secret-view.ts";
import { SecretsError } from "./secrets-error.ts";

const manage = "manage its pull secrets";

/** The registry columns after `changes`, or undefined when no registry field changes. */
function changedRegistry(row: DockerSecretRow, changes: UpdateSecretInput) {
  if (changes.kind === undefined && changes.registry === undefined && changes.insecure === undefined) return undefined;
  const kind = changes.kind ?? (changes.registry !== undefined ? "private-registry" : row.kind);
  const insecure = changes.insecure ?? (kind === row.kind && row.insecure);
  const registry = changes.registry ?? (kind === row.kind ? row.registryKey : undefined);
  return registryFields(resolveSecretRegistry(kind, registry, insecure), insecure);
}

/** The stored fields `changes` gives and the names of the changed fields; throws `invalid-input` listing every problem. */
function planUpdate(row: DockerSecretRow, changes: UpdateSecretInput) {
  const changed = updatableSecretFields.filter((key) => changes[key] !== undefined);
  if (changed.length === 0) {
    throw new SecretsError("invalid-input", "nothing to change: give a username, password, email or registry");
  }
  const problems: string[] = [];
  const registry = collect(problems, () => changedRegistry(row, changes));
  refuseAll([
    ...problems,
    changes.username === undefined ? undefined : validateUsername(changes.username),
    changes.password === undefined ? undefined : validatePassword(changes.password),
    changes.email === undefined || changes.email === null ? undefined : validateEmail(changes.email),
  ]);
  const fields: { -readonly [K in keyof DockerSecretFields]?: DockerSecretFields[K] } = { ...registry };
  if (changes.username !== undefined) fields.username = changes.username;
  if (changes.email !== undefined) fields.email = changes.email || null;
  if (changes.password !== undefined) fields.credential = "password";
  return { fields, changed };
}

/** The secret-changing operations. */
export function createSecretWrites(
  deps: SecretServiceDeps<
    Pick<
      PullSecretStore,
      "findSecret" | "createSecret" | "updateSecret" | "renameSecret" | "deleteSecret" | "servicesUsingSecret"
    >
  >,
) {
  return {
    /** Creates a secret; `conflict` when the name is taken. Audited as `secret.create`. */
    async create(caller: Caller, orgName: string, input: CreateSecretInput): Promise<SecretView> {
      const org = await requireOrganizationAccess(deps, caller, orgName, "manage", manage);
      assertSecretInputShape(input, ["name", "kind", "username", "password"]);
      const problems: string[] = [];
      const name = validateSecretName(input.name);
      const location = collect(problems, () =>
        resolveSecretRegistry(input.kind, input.registry, input.insecure === true),
      );
      refuseAll([name, ...problems, ...checkSecretFields(input)]);
      const fields: DockerSecretFields = {
        ...registryFields(location!, input.insecure === true),
        credential: "password",
        username: input.username,
        email: input.email || null,
      };
      const row = await insertSecret(deps, org, input.name, fields, input.password);
      recordAudit(deps, caller, "secret.create", `secret:${secretLabel(org, row.name)}`, {
        registry: row.registryKey,
      });
      return toSecretView(row);
    },

    /** Changes any of username, password, email and registry; `invalid-input` when nothing is given. */
    async update(caller: Caller, orgName: string, name: string, changes: UpdateSecretInput): Promise<SecretView> {
      const org = await requireOrganizationAccess(deps, caller, orgName, "manage", manage);
      assertSecretInputShape(changes, []);
      const row = await requireSecret(deps, org, name);
      const { fields, changed } = planUpdate(row, changes);
      const sealed =
        changes.password === undefined
          ? undefined
          : sealSecretValue(currentRing(deps), org.id, row.id, changes.password);
      const updated = await deps.store.updateSecret(row.id, fields, sealed);
      recordAudit(deps, caller, "secret.update", `secret:${secretLabel(org, name)}`, { changed });
      return toSecretView(updated);
    },

    /** Renames a secret; services using it follow. `conflict` when `newName` is taken. */
    async rename(caller: Caller, orgName: string, name: string, newName: string): Promise<SecretView> {
      const org = await requireOrganizationAccess(deps, caller, orgName, "manage", manage);
      assertSecretInputShape({ name: newName }, ["name"]);
      refuseAll([validateSecretName(newName)]);
      const row = await requireSecret(deps, org, name);
      if (newName === name) return toSecretView(row);
      if (await deps.store.findSecret(org.id, newName)) throw secretNameTaken(org, newName);
      const services = await deps.store.servicesUsingSecret(org.id, name);
      try {
        await deps.store.renameSecret(row.id, newName);
      } catch (error) {
        if (await deps.store.findSecret(org.id, newName)) throw secretNameTaken(org, newName);
        throw error;
      }
      recordAudit(deps, caller, "secret.rename", `secret:${secretLabel(org, newName)}`, { from: name, services });
      return toSecretView(await requireSecret(deps, org, newName));
    },

    /** Deletes a secret; `conflict` naming the services that still use it. */
    async delete(caller: Caller, orgName: string, name: string): Promise<void> {
      const org = await requireOrganizationAccess(deps, caller, orgName, "manage", manage);
      const row = await requireSecret(deps, org, name);
      const services = await deps.store.servicesUsingSecret(org.id, name);
      if (services.length > 0) {
        throw new SecretsError(
          "conflict",
          `pull secret ${JSON.stringify(name)} is used by service ${services.join(", ")}: give those services another secret (or delete them) first`,
        );
      }
      await deps.store.deleteSecret(row.id);
      recordAudit(deps, caller, "secret.delete", `secret:${secretLabel(org, name)}`);
    },
  };
}
