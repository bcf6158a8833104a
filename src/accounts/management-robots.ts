/**
 * @module
 * Robot accounts: machine credentials that belong to an organization, not a
 * person. Owners and admins create them with scopes that must stay inside
 * the organization's namespaces (its own name and its applications' slugs),
 * so a robot can never reach another tenant's images even if the
 * organization later gains more rights. A robot logs in as `<org>+<name>`
 * with a secret shown once; it may not use the management API.
 */

import type { OrganizationRow, RobotRow } from "../metadata/accounts-metadata.ts";
import { assertAccountName } from "./account-names.ts";
import { AccountsError } from "./accounts-error.ts";
import { type Caller, recordChange, requireOrganization } from "./management-access.ts";
import type { RobotManagementDeps } from "./management-deps.ts";
import { orConflict } from "./management-names.ts";
import { namespaceOf } from "./permission-resolver.ts";
import { formatScope, parseScopePattern } from "./scope-pattern.ts";
import { hashSecret, newSecret } from "./secret-token.ts";

/** A robot as lists show it: never its secret. */
export interface RobotView {
  readonly name: string;
  readonly username: string;
  readonly scopes: readonly string[];
  readonly state: "active" | "revoked";
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

const maxScopes = 50;

function view(row: RobotRow): RobotView {
  return {
    name: row.name,
    username: `${row.orgName}+${row.name}`,
    scopes: row.scopes,
    state: row.revokedAt === null ? "active" : "revoked",
    createdAt: new Date(row.createdAt).toISOString(),
    revokedAt: row.revokedAt === null ? null : new Date(row.revokedAt).toISOString(),
  };
}

/** Robot management. */
export type RobotManagement = ReturnType<typeof createRobotManagement>;

/** Creates the robot management service. */
export function createRobotManagement(deps: RobotManagementDeps) {
  const { store } = deps;

  /** Parses scopes and refuses any that reach outside the organization's namespaces. */
  async function scopesWithin(org: OrganizationRow, scopes: readonly string[]): Promise<string[]> {
    if (scopes.length === 0 || scopes.length > maxScopes) {
      throw new AccountsError("invalid-input", `give 1-${maxScopes} scopes, e.g. ${org.name}/*:pull`);
    }
    const owned = new Set((await store.listNamespaces(org.id)).map((n) => n.name));
    const parsed = scopes.map(parseScopePattern);
    for (const scope of parsed) {
      const base = scope.pattern.endsWith("/*") ? scope.pattern.slice(0, -2) : scope.pattern;
      if (scope.pattern === "*" || !owned.has(namespaceOf(base))) {
        throw new AccountsError(
          "invalid-input",
          `robot scope ${JSON.stringify(formatScope(scope))} reaches outside ${org.name}: use one of its namespaces (${[...owned].join(", ")}), e.g. ${org.name}/*:pull`,
        );
      }
    }
    return [...new Set(parsed.map(formatScope))];
  }

  return {
    /** Creates a robot; its secret is in this answer and nowhere else. */
    async create(caller: Caller, orgName: string, name: string, scopes: readonly string[]) {
      const { org } = await requireOrganization(deps, caller, orgName, "admin");
      assertAccountName(name, "robot name");
      const normalised = await scopesWithin(org, scopes);
      const exists = async () => (await store.listRobots(org.id)).some((r) => r.name === name);
      const taken = () =>
        new AccountsError(
          "conflict",
          `${orgName} already has a robot ${JSON.stringify(name)} (revoked robots keep their name)`,
        );
      if (await exists()) throw taken();
      const secret = newSecret("robot");
      const row = await orConflict(
        () => store.createRobot(org.id, name, hashSecret(secret), normalised),
        exists,
        taken,
      );
      recordChange(deps, caller, "robot.create", `robot:${orgName}+${name}`, { scopes: normalised });
      return { ...view(row), secret };
    },

    /** The organization's robots (revoked ones too), without secrets. */
    async list(caller: Caller, orgName: string): Promise<RobotView[]> {
      const { org } = await requireOrganization(deps, caller, orgName, "admin");
      return (await store.listRobots(org.id)).map(view);
    },

    /** Revokes a robot; its secret fails on its very next use. */
    async revoke(caller: Caller, orgName: string, name: string): Promise<void> {
      const { org } = await requireOrganization(deps, caller, orgName, "admin");
      const robot = (await store.listRobots(org.id)).find((r) => r.name === name && r.revokedAt === null);
      if (!robot) throw new AccountsError("not-found", `${orgName} has no active robot ${JSON.stringify(name)}`);
      await store.revokeRobot(robot.id, Date.now());
      recordChange(deps, caller, "robot.revoke", `robot:${orgName}+${name}`);
    },
  };
}
