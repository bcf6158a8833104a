/**
 * @module
 * Who may touch an organization's pull secrets and services. Reading the
 * list (names, registries, usernames — never a password) is for any member;
 * everything that changes them, uses the credentials (check) or reveals them
 * (render) is for owners and admins only, because a rendered secret is the
 * password itself. Deny unless granted; the message names the role needed
 * and what was attempted. Robots and tokens without the `api` scope are
 * refused as the management API refuses them.
 */
import type { Caller } from "../accounts/management-access.ts";
import { requireManager } from "../accounts/management-access.ts";
import type { OrganizationRow } from "../metadata/accounts-metadata.ts";
import type { SecretServiceDeps } from "./secret-service-deps.ts";
import { SecretsError } from "./secrets-error.ts";

/** What an operation needs: membership to read, owner or admin to manage. */
export type OrganizationAccess = "read" | "manage";

/**
 * The organization `orgName` when `caller` may `what` it at level `needed`.
 * Throws AccountsError `unauthenticated` for anonymous callers; SecretsError
 * `forbidden` for robots,
 * registry-only tokens, non-members and (for `manage`) plain members, e.g.
 * `only an owner or admin of organization "acme" may manage its pull secrets`;
 * `not-found` when the organization does not exist. Server administrators
 * count as owners.
 */
export async function requireOrganizationAccess(
  deps: Pick<SecretServiceDeps, "accounts" | "resolver">,
  caller: Caller,
  orgName: string,
  needed: OrganizationAccess,
  what: string,
): Promise<OrganizationRow> {
  requireManager(caller);
  const org = await deps.accounts.findOrganization(orgName);
  if (org === undefined) throw new SecretsError("not-found", `organization ${JSON.stringify(orgName)} does not exist`);
  const role = await deps.resolver.organizationRole(caller.principal, org.id);
  if (role === undefined) {
    throw new SecretsError(
      "forbidden",
      `you are not a member of organization ${JSON.stringify(orgName)}, so you may not ${what}`,
    );
  }
  if (needed === "manage" && role === "member") {
    throw new SecretsError(
      "forbidden",
      `only an owner or admin of organization ${JSON.stringify(orgName)} may ${what}; you are a member`,
    );
  }
  return org;
}

/** Records `action` on `target` by `caller` in the audit log. `detail` must hold no secret. */
export function recordAudit(
  deps: Pick<SecretServiceDeps, "audit">,
  caller: Caller,
  action: string,
  target: string,
  detail?: unknown,
): void {
  deps.audit.record({
    actor: caller.principal.name,
    action,
    target,
    ...(detail !== undefined && { detail }),
    ...(caller.remote !== undefined && { remote: caller.remote }),
  });
}
