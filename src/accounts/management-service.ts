/**
 * @module
 * The management services in one object — what the management API and the
 * portal call. Every method takes the caller and decides, before doing
 * anything, whether that principal may; the HTTP layer only authenticates.
 */
import { createApplicationManagement } from "./management-apps.ts";
import { createAuditReader } from "./management-audit.ts";
import { type ContentDeps, createContentManagement } from "./management-content.ts";
import { createDeleteManagement } from "./management-deletes.ts";
import { createOrganizationManagement } from "./management-orgs.ts";
import { createPasswordManagement } from "./management-passwords.ts";
import { createRepositoryManagement } from "./management-repositories.ts";
import { createRobotManagement } from "./management-robots.ts";
import { createTeamManagement } from "./management-teams.ts";
import { createTokenManagement } from "./management-tokens.ts";
import { createUserManagement } from "./management-users.ts";

/** Every management service. */
export type Management = ReturnType<typeof createManagement>;

/** Creates the management services over the accounts store, resolver, audit log and repository contents. */
export function createManagement(deps: ContentDeps) {
  return {
    users: createUserManagement(deps),
    passwords: createPasswordManagement(deps),
    orgs: createOrganizationManagement(deps),
    teams: createTeamManagement(deps),
    apps: createApplicationManagement(deps),
    repositories: createRepositoryManagement(deps),
    tokens: createTokenManagement(deps),
    robots: createRobotManagement(deps),
    audit: createAuditReader(deps),
    content: createContentManagement(deps),
    deletes: createDeleteManagement(deps),
  };
}
