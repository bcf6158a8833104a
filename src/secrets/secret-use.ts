/**
 * @module
 * The two operations that open a secret's ciphertext: render, the only way
 * a password ever leaves Wharf (as `.dockerconfigjson` or a Kubernetes
 * `Secret`), and check, which uses the password against the registry but
 * returns only a code and a sentence. Both are for organization owners and
 * admins, and both are audited — a render is a disclosure, so the log says
 * who saw which secret, in which format, for which namespaces.
 */
import type { Caller } from "../accounts/management-access.ts";
import type { OrganizationRow } from "../metadata/accounts-metadata.ts";
import type { DockerSecretRow } from "../metadata/secrets-metadata.ts";
import { type CheckSecretOptions, checkSecret, type SecretCheckResult } from "./check-secret.ts";
import { MasterKeyError } from "./master-key-error.ts";
import { recordAudit, requireOrganizationAccess } from "./organization-access.ts";
import type { RegistryCredential } from "./registry-credential.ts";
import { renderDockerConfigJson } from "./render-docker-config.ts";
import { renderKubernetesSecret } from "./render-kubernetes-secret.ts";
import { storedLocation } from "./secret-registry.ts";
import { requireSecret, secretLabel } from "./secret-rows.ts";
import { currentRing, type SecretLookup, type SecretServiceDeps } from "./secret-service-deps.ts";
import { credentialOf, openSecretValue } from "./secret-vault.ts";
import { SecretsError } from "./secrets-error.ts";

/** How to render. */
export interface RenderSecretOptions {
  /** `dockerconfigjson` (the JSON text) or `kubernetes` (YAML of `Secret` objects). */
  readonly format: "dockerconfigjson" | "kubernetes";
  /** Kubernetes only: the namespaces to render a copy into; default `["default"]`. */
  readonly namespaces?: readonly string[];
  /** Kubernetes only: the `Secret`'s name; default the secret's own name, required when merging several. */
  readonly kubernetesName?: string;
}

/** A rendered secret: the text to save or apply. It holds the password. */
export interface RenderedSecret {
  readonly format: RenderSecretOptions["format"];
  readonly text: string;
}

/** The secret-opening operations. */
export function createSecretUse(deps: SecretServiceDeps<SecretLookup>) {
  /** The credential of `row`; reloads the ring once when the row names a key version it lacks. */
  async function open(org: OrganizationRow, row: DockerSecretRow): Promise<RegistryCredential> {
    const attempt = () => credentialOf(row, openSecretValue(currentRing(deps), row, secretLabel(org, row.name)));
    try {
      return attempt();
    } catch (error) {
      const stale = error instanceof MasterKeyError && error.reason === "unknown-version";
      if (!stale || deps.reloadKeyRing === undefined) throw error;
      await deps.reloadKeyRing();
      return attempt();
    }
  }

  async function rowsOf(org: OrganizationRow, names: readonly string[]): Promise<DockerSecretRow[]> {
    const unique = [...new Set(names)];
    if (unique.length === 0) throw new SecretsError("invalid-input", "give at least one pull secret to render");
    return Promise.all(unique.map((name) => requireSecret(deps, org, name)));
  }

  return {
    /**
     * Renders secrets `names` of the organization — one, or several merged
     * into one config (`invalid-input` when two hold different credentials
     * for one registry). Kubernetes format: one `Secret` of type
     * `kubernetes.io/dockerconfigjson` per namespace, named `kubernetesName`
     * (default: the only secret's name; `invalid-input` when several are
     * merged without one). Owners and admins only; `not-found` for an unknown
     * secret; MasterKeyError when the master key cannot open a secret.
     * Audited as `secret.render`, once per secret.
     */
    async render(
      caller: Caller,
      orgName: string,
      names: string | readonly string[],
      options: RenderSecretOptions,
    ): Promise<RenderedSecret> {
      const org = await requireOrganizationAccess(deps, caller, orgName, "manage", "render its pull secrets");
      const rows = await rowsOf(org, typeof names === "string" ? [names] : names);
      const kubernetesName = options.kubernetesName ?? (rows.length === 1 ? rows[0]!.name : undefined);
      if (options.format === "kubernetes" && kubernetesName === undefined) {
        throw new SecretsError(
          "invalid-input",
          "give the name of the Kubernetes Secret that merges several pull secrets",
        );
      }
      const credentials: RegistryCredential[] = [];
      for (const row of rows) credentials.push(await open(org, row));
      const config = renderDockerConfigJson(credentials);
      const namespaces = options.namespaces ?? ["default"];
      const text =
        options.format === "kubernetes" ? renderKubernetesSecret(kubernetesName!, namespaces, config) : config;
      const detail = { format: options.format, ...(options.format === "kubernetes" && { namespaces }) };
      for (const row of rows)
        recordAudit(deps, caller, "secret.render", `secret:${secretLabel(org, row.name)}`, detail);
      return { format: options.format, text };
    },

    /**
     * Checks that secret `name` can pull `image` (see checkSecret for the
     * codes). Owners and admins only; `not-found` for an unknown secret.
     * Registry trouble is a result, not an exception. Audited as
     * `secret.check` with the image and the code.
     */
    async check(
      caller: Caller,
      orgName: string,
      name: string,
      image: string,
      options: Pick<CheckSecretOptions, "allPlatforms"> = {},
    ): Promise<SecretCheckResult> {
      const org = await requireOrganizationAccess(deps, caller, orgName, "manage", "check its pull secrets");
      const row = await requireSecret(deps, org, name);
      const secret = { name, registry: storedLocation(row), insecure: row.insecure, credential: await open(org, row) };
      const result = await checkSecret(secret, image, {
        ...options,
        ...(deps.createRegistryClient !== undefined && { createClient: deps.createRegistryClient }),
      });
      recordAudit(deps, caller, "secret.check", `secret:${secretLabel(org, name)}`, {
        image: result.image,
        code: result.code,
      });
      return result;
    },
  };
}
