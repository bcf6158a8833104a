/**
 * @module
 * Importing the pull secrets a Docker client's `config.json` holds into an
 * organization, so nobody decodes `auth` strings by hand. Each credential
 * becomes a secret under its proposed name (`quay-io`, `docker-hub`); when
 * the organization already uses that name, the next free one is taken and a
 * note says so — an import never overwrites a secret. Entries that cannot be
 * imported (credential helpers, empty entries) come back as notes saying
 * what to do, from importDockerConfig.
 */
import type { Caller } from "../accounts/management-access.ts";
import { isDomainError } from "../errors/domain-error.ts";
import type { OrganizationRow } from "../metadata/accounts-metadata.ts";
import { type ImportedCredential, importDockerConfig } from "./docker-config-import.ts";
import { recordAudit, requireOrganizationAccess } from "./organization-access.ts";
import { registryFields } from "./secret-registry.ts";
import { insertSecret, secretLabel } from "./secret-rows.ts";
import type { PullSecretStore, SecretServiceDeps } from "./secret-service-deps.ts";
import type { SecretView } from "./secret-view.ts";
import { toSecretView } from "./secret-view.ts";
import { suggestSecretName } from "./suggest-secret-name.ts";

/** What an import did: the secrets it created, and one sentence per entry or rename worth telling. */
export interface SecretImportResult {
  readonly created: readonly SecretView[];
  readonly notes: readonly string[];
}

/** The import operation. */
export function createSecretImport(
  deps: SecretServiceDeps<Pick<PullSecretStore, "findSecret" | "createSecret" | "listSecrets">>,
) {
  async function importOne(caller: Caller, org: OrganizationRow, found: ImportedCredential, name: string) {
    const fields = {
      ...registryFields(found.registry, found.insecure),
      credential: found.kind,
      username: found.username,
      email: found.email ?? null,
    };
    const value = found.kind === "password" ? found.password : found.identityToken;
    const row = await insertSecret(deps, org, name, fields, value);
    recordAudit(deps, caller, "secret.create", `secret:${secretLabel(org, name)}`, {
      registry: row.registryKey,
      source: "docker-config",
      sourceKey: found.sourceKey,
    });
    return toSecretView(row);
  }

  return {
    /**
     * Creates a secret for every credential in `configText` (the text of a
     * `~/.docker/config.json`: `auths` entries with `auth`, `username` and
     * `password`, or `identitytoken`). Names collide neither with existing
     * secrets nor with each other. Throws SecretsError `invalid-input` for a
     * file that is not a Docker config (see importDockerConfig); a secret
     * whose name is taken by a concurrent request becomes a note.
     */
    async importConfig(caller: Caller, orgName: string, configText: string): Promise<SecretImportResult> {
      const org = await requireOrganizationAccess(deps, caller, orgName, "manage", "import pull secrets into it");
      const found = importDockerConfig(configText);
      const taken = new Set((await deps.store.listSecrets(org.id)).map((row) => row.name));
      const created: SecretView[] = [];
      const notes: string[] = [];
      for (const credential of found.secrets) {
        const entry = `auths entry ${JSON.stringify(credential.sourceKey)}`;
        let name = credential.suggestedName;
        if (taken.has(name)) {
          name = suggestSecretName(credential.registry, taken);
          notes.push(`a pull secret ${credential.suggestedName} already exists: imported ${entry} as ${name}`);
        }
        taken.add(name);
        try {
          created.push(await importOne(caller, org, credential, name));
        } catch (error) {
          if (!isDomainError(error, "conflict")) throw error;
          notes.push(`${entry} skipped: ${error.message}`);
        }
      }
      return { created, notes: [...notes, ...found.notes] };
    },
  };
}
