/**
 * @module
 * The row-level steps every secret operation shares: finding a secret or
 * failing with `not-found`, and inserting one with its password sealed to the
 * new row, a lost race for the name turned into the same `conflict` as a name
 * already taken.
 */
import { orConflict } from "../accounts/management-names.ts";
import type { OrganizationRow } from "../metadata/accounts-metadata.ts";
import type { DockerSecretFields, DockerSecretRow } from "../metadata/secrets-metadata.ts";
import { currentRing, type PullSecretStore, type SecretLookup, type SecretServiceDeps } from "./secret-service-deps.ts";
import { sealSecretValue } from "./secret-vault.ts";
import { SecretsError } from "./secrets-error.ts";

/** `org/name`, as messages and audit targets name a secret. */
export function secretLabel(org: OrganizationRow, name: string): string {
  return `${org.name}/${name}`;
}

/** The secret `name` of `org`; SecretsError `not-found` when there is none. */
export async function requireSecret(
  deps: Pick<SecretServiceDeps<SecretLookup>, "store">,
  org: OrganizationRow,
  name: string,
): Promise<DockerSecretRow> {
  const row = await deps.store.findSecret(org.id, name);
  if (row === undefined) {
    throw new SecretsError(
      "not-found",
      `organization ${JSON.stringify(org.name)} has no pull secret ${JSON.stringify(name)}`,
    );
  }
  return row;
}

/** The `conflict` for a secret name `org` already uses. */
export function secretNameTaken(org: OrganizationRow, name: string): SecretsError {
  return new SecretsError(
    "conflict",
    `organization ${JSON.stringify(org.name)} already has a pull secret ${JSON.stringify(name)}: choose another name, or update that one`,
  );
}

/**
 * Stores a new secret of `org` whose sealed value is `value` (a password or
 * identity token), encrypted under the current key for the new row's id.
 * Inputs must be validated already. Throws `conflict` when the name is taken.
 */
export async function insertSecret(
  deps: Pick<SecretServiceDeps<Pick<PullSecretStore, "findSecret" | "createSecret">>, "store" | "keyRing">,
  org: OrganizationRow,
  name: string,
  fields: DockerSecretFields,
  value: string,
): Promise<DockerSecretRow> {
  const exists = async () => (await deps.store.findSecret(org.id, name)) !== undefined;
  if (await exists()) throw secretNameTaken(org, name);
  const ring = currentRing(deps);
  return orConflict(
    () => deps.store.createSecret(org.id, name, fields, (id) => sealSecretValue(ring, org.id, id, value)),
    exists,
    () => secretNameTaken(org, name),
  );
}
