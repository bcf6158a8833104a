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
import type { Role } from "./roles.ts";

const verbs: Record<Exclude<Action, "*">, string> = { pull: "pull from", push: "push to", delete: "delete from" };
const roleFor: Record<Exclude<Action, "*">, Role> = { pull: "read", push: "write", delete: "admin" };

function who(principal: Principal): string {
  if (principal.kind === "token") return `API token "${principal.tokenName}" of user ${principal.name}`;
  return `${principal.kind} ${principal.name}`;
}

/** The accesses of `needed` that `granted` does not cover, one action each. */
function missing(granted: readonly Access[], needed: readonly Access[]): { name: string; action: Action }[] {
  const out: { name: string; action: Action }[] = [];
  for (const need of needed) {
    for (const action of need.actions) {
      if (!covers(granted, [{ ...need, actions: [action] }])) out.push({ name: need.name, action });
    }
  }
  return out;
}

/**
 * Names what `principal` may not do of `needed`, given what it was
 * `granted`, and how to get it. A robot or a token also learns that its own
 * scopes may be the limit. Returns a generic sentence when nothing is
 * missing (callers only ask when something is).
 */
export function denialMessage(principal: Principal, granted: readonly Access[], needed: readonly Access[]): string {
  const lacks = missing(granted, needed);
  const first = lacks[0];
  if (!first) return `${who(principal)} may not do this`;
  const action = first.action === "*" ? "push" : first.action;
  const what = lacks
    .filter((l) => l.name === first.name)
    .map((l) => (l.action === "*" ? "push" : l.action))
    .join(" and ");
  const where = first.name;
  const role = lacks.some((l) => l.action === "delete" || l.action === "*") ? "admin" : roleFor[action];
  const verb = what.includes(" and ") ? `${what} on` : verbs[action];
  const ask = `ask an owner of ${namespaceOf(where)} for ${role} access`;
  const scoped =
    principal.kind === "robot" || principal.kind === "token"
      ? `, or use a ${principal.kind === "robot" ? "robot" : "token"} whose scopes cover ${where}`
      : "";
  return `${who(principal)} may not ${verb} ${where}: ${ask}${scoped}`;
}
