/**
 * @module
 * Service deployments of an organization, stored so that they can be
 * rendered again at any time: members list, read and render them without
 * their secret; owners and admins create, change and delete them, and render
 * them with the pull `Secret` — which goes through the secret service's
 * render, so the same permission and audit trail guard the password. A
 * service's pull secret must exist in the organization when it is set.
 */
import type { Caller } from "../accounts/management-access.ts";
import { orConflict } from "../accounts/management-names.ts";
import type { OrganizationRow } from "../metadata/accounts-metadata.ts";
import type { ServiceRow } from "../metadata/secrets-metadata.ts";
import { recordAudit, requireOrganizationAccess } from "../secrets/organization-access.ts";
import type { DeployStore, SecretServiceDeps } from "../secrets/secret-service-deps.ts";
import type { SecretStoreService } from "../secrets/secret-store-service.ts";
import { DeployError } from "./deploy-error.ts";
import { renderService } from "./render-service.ts";
import { parseServiceDefinition, type ServiceDefinition, type ServiceInput } from "./service-definition.ts";

/** A stored service as the API shows it; times are ISO 8601. */
export interface ServiceView extends ServiceDefinition {
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What to change; absent fields stay. `secretName: null` removes the pull secret. */
export type ServiceChanges = Partial<Omit<ServiceInput, "name">>;

/** How to render a stored service. */
export interface RenderStoredServiceOptions {
  /** Default `default`. */
  readonly namespace?: string;
  /** Also render the pull `Secret` (owners and admins only, audited). Default: true when the service has a secret. */
  readonly includeSecret?: boolean;
}

/** The dependencies: the secrets deps, and the secret service that renders pull secrets. */
export interface ServiceManagerDeps extends SecretServiceDeps<DeployStore> {
  readonly secrets: Pick<SecretStoreService, "render">;
}

/** The service-deployment service. */
export type ServiceManager = ReturnType<typeof createServiceManager>;

function toView(row: ServiceRow): ServiceView {
  const { id: _id, orgId: _orgId, createdAt, updatedAt, ...definition } = row;
  return { ...definition, createdAt: new Date(createdAt).toISOString(), updatedAt: new Date(updatedAt).toISOString() };
}

const manage = "manage its services";

/**
 * Creates the service-deployment service. Methods take the caller and the
 * organization's name; DeployError `invalid-input` (rules of
 * parseServiceDefinition, unknown pull secret), `not-found`, `conflict`;
 * SecretsError `forbidden` from the organization check.
 */
export function createServiceManager(deps: ServiceManagerDeps) {
  async function requireService(org: OrganizationRow, name: string): Promise<ServiceRow> {
    const row = await deps.store.findService(org.id, name);
    if (row === undefined) {
      throw new DeployError(
        "not-found",
        `organization ${JSON.stringify(org.name)} has no service ${JSON.stringify(name)}`,
      );
    }
    return row;
  }

  async function assertSecretExists(org: OrganizationRow, definition: ServiceDefinition): Promise<void> {
    if (definition.secretName === null || (await deps.store.findSecret(org.id, definition.secretName))) return;
    throw new DeployError(
      "invalid-input",
      `organization ${JSON.stringify(org.name)} has no pull secret ${JSON.stringify(definition.secretName)}: create it first, or leave the secret out`,
    );
  }

  const taken = (org: OrganizationRow, name: string) =>
    new DeployError(
      "conflict",
      `organization ${JSON.stringify(org.name)} already has a service ${JSON.stringify(name)}`,
    );

  return {
    /** Creates a service; `conflict` when the name is taken. Audited as `service.create`. */
    async create(caller: Caller, orgName: string, input: ServiceInput): Promise<ServiceView> {
      const org = await requireOrganizationAccess(deps, caller, orgName, "manage", manage);
      const definition = parseServiceDefinition(input);
      await assertSecretExists(org, definition);
      const exists = async () => (await deps.store.findService(org.id, definition.name)) !== undefined;
      if (await exists()) throw taken(org, definition.name);
      const row = await orConflict(
        () => deps.store.createService(org.id, definition),
        exists,
        () => taken(org, definition.name),
      );
      recordAudit(deps, caller, "service.create", `service:${org.name}/${row.name}`, {
        image: row.image,
        secret: row.secretName,
      });
      return toView(row);
    },

    /** Changes a service; the result is validated whole. Audited as `service.update`. */
    async update(caller: Caller, orgName: string, name: string, changes: ServiceChanges): Promise<ServiceView> {
      const org = await requireOrganizationAccess(deps, caller, orgName, "manage", manage);
      const row = await requireService(org, name);
      const merged: ServiceInput = { ...toView(row), ...definedOnly(changes), name };
      const definition = parseServiceDefinition(merged);
      await assertSecretExists(org, definition);
      const updated = await deps.store.updateService(row.id, definition);
      recordAudit(deps, caller, "service.update", `service:${org.name}/${name}`, {
        changed: Object.keys(definedOnly(changes)),
      });
      return toView(updated);
    },

    /** Deletes a service. Audited as `service.delete`. */
    async delete(caller: Caller, orgName: string, name: string): Promise<void> {
      const org = await requireOrganizationAccess(deps, caller, orgName, "manage", manage);
      const row = await requireService(org, name);
      await deps.store.deleteService(row.id);
      recordAudit(deps, caller, "service.delete", `service:${org.name}/${name}`);
    },

    /** The organization's services by name. Any member. */
    async list(caller: Caller, orgName: string): Promise<ServiceView[]> {
      const org = await requireOrganizationAccess(deps, caller, orgName, "read", "list its services");
      return (await deps.store.listServices(org.id)).map(toView);
    },

    /** One service. Any member. */
    async get(caller: Caller, orgName: string, name: string): Promise<ServiceView> {
      const org = await requireOrganizationAccess(deps, caller, orgName, "read", "read its services");
      return toView(await requireService(org, name));
    },

    /**
     * The service as Kubernetes YAML (see renderService). With the pull
     * secret (the default when it has one) only owners and admins may, and
     * the secret's render is audited; without it any member may.
     */
    async render(
      caller: Caller,
      orgName: string,
      name: string,
      options: RenderStoredServiceOptions = {},
    ): Promise<string> {
      const org = await requireOrganizationAccess(deps, caller, orgName, "read", "render its services");
      const row = await requireService(org, name);
      const namespace = options.namespace ?? "default";
      if (row.secretName === null || options.includeSecret === false) return renderService(row, { namespace });
      const secret = await deps.secrets.render(caller, orgName, row.secretName, { format: "dockerconfigjson" });
      return renderService(row, { namespace, secretDockerConfigJson: secret.text });
    },
  };
}

const changeable = ["image", "secretName", "replicas", "ports", "env", "command"] as const;

/** The known fields of `changes` that are set, so absent ones do not hide the stored values. */
function definedOnly(changes: ServiceChanges): ServiceChanges {
  return Object.fromEntries(changeable.filter((key) => changes[key] !== undefined).map((key) => [key, changes[key]]));
}
