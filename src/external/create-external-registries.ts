/**
 * @module
 * The external-registries feature's one entry point: the service the
 * management API and the CLI call (`add`, `list`, `get`, `update`, `test`,
 * `remove`), the directory the pull-through proxy finds upstreams in, and
 * the rotation that `wharf secrets rotate-key` joins. Members of an
 * organization read its registries (never a password); owners and admins
 * add, change, test and remove them. Passwords are sealed with the pull
 * secrets' master-key ring and leave the server only towards the upstream.
 *
 * ```ts
 * const external = createExternalRegistries({ accounts: store, resolver, audit,
 *   store: createExternalRegistryStore(db), keyRing: keys.ring, reloadKeyRing: keys.reload });
 * await external.service.add(caller, "acme", { name: "quay", registry: "quay.io/acme",
 *   username: "acme+puller", password });
 * const upstream = await external.directory.find("my-app", "quay");
 * ```
 */
import type { Caller } from "../accounts/management-access.ts";
import { recordAudit, requireOrganizationAccess } from "../secrets/organization-access.ts";
import type { SecretStoreService } from "../secrets/secret-store-service.ts";
import { createUpstreamDirectory } from "./create-upstream-directory.ts";
import { type ExternalRegistryDeps, openPassword, registryLabel, requireRegistry } from "./external-registry-deps.ts";
import { withExternalRotation } from "./external-registry-rotation.ts";
import { type ExternalRegistryView, toExternalRegistryView } from "./external-registry-view.ts";
import { createExternalRegistryWrites } from "./external-registry-writes.ts";
import { type ExternalTestResult, testExternalRegistry } from "./test-external-registry.ts";
import type { UpstreamDirectory } from "./upstream-registry.ts";

/** The external-registry service. */
export type ExternalRegistryService = ReturnType<typeof createExternalRegistryService>;

/** What the feature gives the composition root. */
export interface ExternalRegistries {
  readonly service: ExternalRegistryService;
  readonly directory: UpstreamDirectory;
  /** `secrets` whose `rotateAll` also re-encrypts external registries (for createKeyRotation). */
  withRotation(secrets: Pick<SecretStoreService, "rotateAll">): Pick<SecretStoreService, "rotateAll">;
}

/**
 * The service. Methods (async; ExternalRegistryError `invalid`, `not-found`,
 * `conflict` for what a client can fix; WharfError DENIED, UNAUTHORIZED,
 * NOT_FOUND from the organization check; MasterKeyError when the key cannot
 * open a password):
 * - `list(caller, org)`, `get(caller, org, name)`: members; views without password.
 * - `add`, `update`, `remove`: owners and admins; audited.
 * - `test(caller, org, name, image?)`: owners and admins; an ExternalTestResult, audited as `external.test`.
 */
export function createExternalRegistryService(deps: ExternalRegistryDeps) {
  return {
    /** The organization's external registries by name. Any member. */
    async list(caller: Caller, orgName: string): Promise<ExternalRegistryView[]> {
      const org = await requireOrganizationAccess(deps, caller, orgName, "read", "list its external registries");
      return (await deps.store.listExternalRegistries(org.id)).map(toExternalRegistryView);
    },

    /** One registry; `not-found` when the organization has none of that name. Any member. */
    async get(caller: Caller, orgName: string, name: string): Promise<ExternalRegistryView> {
      const org = await requireOrganizationAccess(deps, caller, orgName, "read", "read its external registries");
      return toExternalRegistryView(await requireRegistry(deps, org, name));
    },

    /** Logs in to registry `name`, or reads `image`'s manifest (see testExternalRegistry). */
    async test(caller: Caller, orgName: string, name: string, image?: string): Promise<ExternalTestResult> {
      const org = await requireOrganizationAccess(deps, caller, orgName, "manage", "test its external registries");
      const row = await requireRegistry(deps, org, name);
      const password = await openPassword(deps, row, registryLabel(org, name));
      const credentials =
        row.username !== null && password !== undefined ? { username: row.username, password } : undefined;
      const registry = {
        name,
        host: row.host,
        prefix: row.prefix,
        insecure: row.insecure,
        ...(credentials && { credentials }),
      };
      const result = await testExternalRegistry(registry, image, deps.createRegistryClient);
      recordAudit(deps, caller, "external.test", `external:${registryLabel(org, name)}`, {
        ...(result.image !== undefined && { image: result.image }),
        code: result.code,
      });
      return result;
    },

    ...createExternalRegistryWrites(deps),
  };
}

/** Creates the feature: service, directory and rotation over the same dependencies. */
export function createExternalRegistries(deps: ExternalRegistryDeps): ExternalRegistries {
  return {
    service: createExternalRegistryService(deps),
    directory: createUpstreamDirectory(deps),
    withRotation: (secrets) => withExternalRotation(secrets, deps),
  };
}
