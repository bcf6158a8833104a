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
  /**
   * The organization with its members, teams, grants to its teams, robots,
   * namespaces (applications with their customers, licenses and license
   * field definitions), pull secrets and services.
   */
  deleteOrganization(orgId: number): Promise<void>;
  /** One namespace (an application's), with its customers, licenses and license field definitions. */
  deleteNamespace(name: string): Promise<void>;
  /**
   * Visibility settings, grants and chart channel promotions of `name` (scope
   * `repository`), or of `name` and every repository under `name/` (scope
   * `namespace`), so a repository pushed again later starts without them.
   */
  forgetRepositories(name: string, scope: "repository" | "namespace"): Promise<void>;
}
