/**
 * @module
 * The sentence a known principal gets when it lacks a permission: who it
 * is, what it may not do where, and whom to ask for which role — e.g.
 * `user alice may not push to acme/app: ask an owner of acme for write
 * access`. Clients show it after the wire code's own message, so docker,
 * podman and skopeo print "denied: requested access to the resource is
 * denied" and then this.
 */
import type { Access, Action, Principal } from "./access.ts";
import { covers } from "./grant-access.ts";
import { namespaceOf } from "./permission-resolver.ts";
import { type Role, strongerRole } from "./roles.ts";

const verbs: Record<Exclude<Action, "*">, string> = { pull: "pull from", push: "push to", delete: "delete from" };
const roleFor: Record<Exclude<Action, "*">, Role> = { pull: "read", push: "write", delete: "admin" };

function who(principal: Principal): string {
  if (principal.kind === "token") return `API token "${principal.tokenName}" of user ${principal.name}`;
  return `${principal.kind} ${principal.name}`;
}

/** The actions of `needed` that `granted` does not cover, per repository (`*` counts as all three). */
function missing(granted: readonly Access[], needed: readonly Access[]): Map<string, Exclude<Action, "*">[]> {
  const out = new Map<string, Exclude<Action, "*">[]>();
  for (const need of needed) {
    const actions = need.actions.includes("*") ? (["pull", "push", "delete"] as const) : need.actions;
    for (const action of actions) {
      if (action === "*" || covers(granted, [{ ...need, actions: [action] }])) continue;
      out.set(need.name, [...(out.get(need.name) ?? []), action]);
    }
  }
  return out;
}

/**
 * Names what `principal` may not do of `needed`, given what it was
 * `granted`, and how to get it: the role that allows the strongest missing
 * action, from an owner of the repository's namespace. A robot or a token
 * also learns that its own scopes may be the limit. Only the first
 * repository lacking something is named (requests need one, mounts two).
 */
export function denialMessage(principal: Principal, granted: readonly Access[], needed: readonly Access[]): string {
  const [first] = missing(granted, needed);
  if (!first) return `${who(principal)} may not do this`;
  const [repository, actions] = first;
  const verb = actions.length === 1 ? verbs[actions[0]!] : `${actions.join(" and ")} on`;
  const role = actions.map((action) => roleFor[action]).reduce<Role | undefined>(strongerRole, undefined);
  const ask = `ask an owner of ${namespaceOf(repository)} for ${role} access`;
  const scoped =
    principal.kind === "robot" || principal.kind === "token"
      ? `, or use a ${principal.kind} whose scopes cover ${repository}`
      : "";
  return `${who(principal)} may not ${verb} ${repository}: ${ask}${scoped}`;
}
