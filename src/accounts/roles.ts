/**
 * @module
 * Roles and the registry actions they allow. `read` pulls; `write` pulls and
 * pushes; `admin` also deletes and manages; an organization owner is admin
 * everywhere in the organization.
 */
import type { Action } from "./access.ts";

/** A role a team or a repository grant carries. */
export type Role = "read" | "write" | "admin";

/** Every role, weakest first. */
export const roles: readonly Role[] = ["read", "write", "admin"];

const actionsByRole: Record<Role, readonly Action[]> = {
  read: ["pull"],
  write: ["pull", "push"],
  admin: ["pull", "push", "delete"],
};

/** The registry actions a role allows. */
export function actionsOf(role: Role | undefined): readonly Action[] {
  return role ? actionsByRole[role] : [];
}

/** The stronger of two roles (undefined is weaker than any role). */
export function strongerRole(a: Role | undefined, b: Role | undefined): Role | undefined {
  if (!a) return b;
  if (!b) return a;
  return roles.indexOf(a) >= roles.indexOf(b) ? a : b;
}

/** True when `text` names a role. */
export function isRole(text: string): text is Role {
  return (roles as readonly string[]).includes(text);
}
