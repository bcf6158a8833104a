/**
 * @module
 * Deleting accounts, as rows. Each method is one transaction that removes
 * the row and everything that only means something through it; what a
 * delete is allowed to take with it (repositories, last owners, the last
 * administrator) is the management services' decision, made before these
 * run. Repository names are plain text in the accounts tables, so settings
 * and grants of deleted repositories are removed by name.
 */

/** Removal of users, organizations, namespaces and repository settings. */
export interface AccountRemoval {
  /** The user with their API tokens, memberships, team memberships, grants and personal namespace. */
  deleteUser(userId: number): Promise<void>;
  /** The organization with its members, teams, grants to its teams, robots, namespaces, pull secrets and services. */
  deleteOrganization(orgId: number): Promise<void>;
  /** One namespace (an application's). */
  deleteNamespace(name: string): Promise<void>;
  /** Visibility settings and grants of `repository`, or with `namespace: true` of every repository under it. */
  forgetRepositories(name: string, scope: "repository" | "namespace"): Promise<void>;
}
