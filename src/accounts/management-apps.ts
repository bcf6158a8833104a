/**
 * @module
 * Vendor applications: an organization's owners and admins create an
 * application with a slug, and the slug becomes a namespace the
 * organization's teams push to (`<host>/<slug>/<image>:<tag>`). Slugs share
 * one space with user and organization names, so they are unique server-wide.
 */
import { type Caller, recordChange, requireOrganization } from "./management-access.ts";
import type { ApplicationManagementDeps } from "./management-deps.ts";
import { assertNamespaceFree, nameTaken, orConflict } from "./management-names.ts";

/** An application as the API shows it. */
export interface ApplicationView {
  readonly slug: string;
  readonly organization: string;
  readonly public: boolean;
}

/** Application management. */
export type ApplicationManagement = ReturnType<typeof createApplicationManagement>;

/** Creates the application management service. */
export function createApplicationManagement(deps: ApplicationManagementDeps) {
  const { store } = deps;
  return {
    /** Creates an application and its namespace. `invalid-input` for a bad slug, `conflict` when taken. */
    async create(caller: Caller, orgName: string, slug: string): Promise<ApplicationView> {
      const { org } = await requireOrganization(deps, caller, orgName, "admin");
      await assertNamespaceFree(store, slug, "application slug");
      await orConflict(
        () => store.createNamespace({ name: slug, kind: "application", userId: null, orgId: org.id }),
        async () => (await store.findNamespace(slug)) !== undefined,
        () => nameTaken(slug),
      );
      recordChange(deps, caller, "app.create", `app:${slug}`, { organization: orgName });
      return { slug, organization: orgName, public: false };
    },

    /** The organization's applications; members of the organization only. */
    async list(caller: Caller, orgName: string): Promise<ApplicationView[]> {
      const { org } = await requireOrganization(deps, caller, orgName, "member");
      return (await store.listNamespaces(org.id))
        .filter((n) => n.kind === "application")
        .map((n) => ({ slug: n.name, organization: orgName, public: n.public }));
    },
  };
}
