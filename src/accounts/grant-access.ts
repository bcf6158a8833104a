/**
 * @module
 * Grants what a principal asked for, narrowed to what it may do. Asking for
 * more is not an error: the grant is simply smaller (Docker token auth). The
 * catalog is granted to everyone; what it lists is filtered per principal.
 */
import type { Access, Action, Principal } from "./access.ts";
import type { PermissionResolver } from "./permission-resolver.ts";

const all: readonly Action[] = ["pull", "push", "delete"];

/** The subset of `requested` that `principal` may have; empty entries are dropped. */
export async function grantAccess(
  resolver: PermissionResolver,
  principal: Principal,
  requested: readonly Access[],
): Promise<Access[]> {
  const granted: Access[] = [];
  for (const access of requested) {
    if (access.type === "registry") {
      granted.push(access);
      continue;
    }
    const allowed = await resolver.actionsOn(principal, access.name);
    const wanted = access.actions.includes("*") ? all : access.actions;
    const actions = wanted.filter((a) => allowed.has(a));
    if (actions.length > 0) granted.push({ type: access.type, name: access.name, actions });
  }
  return granted;
}

/** True when `granted` covers every action of every access in `needed`. */
export function covers(granted: readonly Access[], needed: readonly Access[]): boolean {
  return needed.every((need) => {
    const match = granted.filter((g) => g.type === need.type && g.name === need.name);
    return need.actions.every((action) => match.some((g) => g.actions.includes(action) || g.actions.includes("*")));
  });
}
