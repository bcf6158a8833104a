/**
 * @module
 * What each management service is given: the role stores it uses (as
 * `Pick`s of the role interfaces in `metadata/accounts-metadata.ts`) and
 * the other dependencies it reads, and nothing more. On one screen, so a
 * reviewer sees which service may touch which table; `createManagement`
 * passes the whole and the compiler checks every narrowing.
 */
import type { AccountRemoval } from "../metadata/account-removal.ts";
import type {
  AuditStore,
  NamespaceStore,
  OrganizationStore,
  RobotStore,
  TeamStore,
  TokenStore,
  UserStore,
} from "../metadata/accounts-metadata.ts";
import type { RepositoryRemoval } from "../metadata/registry-metadata.ts";
import type { RepositoryContents } from "../metadata/repository-contents.ts";
import type { ManagementDeps } from "./management-access.ts";
import type { PermissionResolver } from "./permission-resolver.ts";

/** The fields every service that checks an organization role and records changes reads. */
type Checked<S> = Pick<ManagementDeps<S>, "store" | "audit"> & {
  readonly resolver: Pick<PermissionResolver, "organizationRole">;
};

/** Users: create, list, enable and disable. */
export type UserManagementDeps = Checked<
  Pick<UserStore, "createUser" | "findUser" | "listUsers" | "setUserDisabled"> &
    Pick<NamespaceStore, "createNamespace" | "findNamespace"> &
    Pick<OrganizationStore, "listOrganizations"> &
    Pick<TokenStore, "listTokens" | "revokeToken">
> &
  Pick<ManagementDeps, "clock">;

/** Password changes and resets. */
export type PasswordManagementDeps = Pick<
  ManagementDeps<
    Pick<UserStore, "findUser" | "findUserById" | "setUserPassword"> & Pick<TokenStore, "listTokens" | "revokeToken">
  >,
  "store" | "audit" | "checkLogin" | "clock"
>;

/** Organizations and their members. */
export type OrganizationManagementDeps = Checked<
  Pick<
    OrganizationStore,
    | "createOrganization"
    | "findOrganization"
    | "listOrganizations"
    | "membership"
    | "setMembership"
    | "removeMember"
    | "listMembers"
  > &
    Pick<UserStore, "findUser"> &
    Pick<NamespaceStore, "createNamespace" | "findNamespace" | "listNamespaces"> &
    Pick<TeamStore, "listTeams">
> &
  Pick<ManagementDeps, "organizationCreation">;

/** Teams of an organization. */
export type TeamManagementDeps = Checked<
  Pick<
    TeamStore,
    "createTeam" | "findTeam" | "listTeams" | "setTeamRole" | "deleteTeam" | "addTeamMember" | "removeTeamMember"
  > &
    Pick<OrganizationStore, "findOrganization" | "membership" | "setMembership"> &
    Pick<UserStore, "findUser">
>;

/** Applications (namespaces of kind `application`). */
export type ApplicationManagementDeps = Checked<
  Pick<NamespaceStore, "createNamespace" | "findNamespace" | "listNamespaces"> &
    Pick<OrganizationStore, "findOrganization">
>;

/** Namespace and repository visibility, repository grants. */
export type RepositoryManagementDeps = Checked<
  Pick<
    NamespaceStore,
    "findNamespace" | "setNamespacePublic" | "setRepositoryPublic" | "grantsFor" | "setGrant" | "removeGrant"
  > &
    Pick<UserStore, "findUser" | "findUserById"> &
    Pick<TeamStore, "findTeam" | "listTeams"> &
    Pick<OrganizationStore, "membership">
>;

/** A user's API tokens. */
export type TokenManagementDeps = Pick<
  ManagementDeps<Pick<TokenStore, "createToken" | "listTokens" | "revokeToken">>,
  "store" | "audit" | "clock"
>;

/** An organization's robots. */
export type RobotManagementDeps = Checked<
  Pick<RobotStore, "createRobot" | "listRobots" | "revokeRobot"> &
    Pick<OrganizationStore, "findOrganization"> &
    Pick<NamespaceStore, "listNamespaces">
>;

/** Reading the audit log. */
export type AuditReaderDeps = Pick<ManagementDeps<Pick<AuditStore, "listAudit">>, "store" | "audit">;

/** Repository browsing and removal. */
export type ContentManagementDeps = Checked<Pick<NamespaceStore, "findNamespace">> & {
  readonly resolver: Pick<PermissionResolver, "canPull">;
  readonly registry: Pick<RepositoryRemoval, "deleteRepository">;
  readonly contents: RepositoryContents;
  readonly removal: Pick<AccountRemoval, "forgetRepositories">;
};

/** Deleting users, organizations and applications with their content. */
export type DeleteManagementDeps = Checked<
  Pick<UserStore, "findUser" | "listUsers"> &
    Pick<OrganizationStore, "findOrganization" | "listOrganizations" | "listMembers"> &
    Pick<NamespaceStore, "findNamespace" | "listNamespaces"> &
    Pick<TeamStore, "listTeams"> &
    Pick<TokenStore, "listTokens"> &
    Pick<RobotStore, "listRobots">
> & {
  readonly registry: Pick<RepositoryRemoval, "deleteRepository">;
  readonly contents: Pick<RepositoryContents, "summaries">;
  readonly removal: AccountRemoval;
};
