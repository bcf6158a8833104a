/**
 * @module
 * The accounts routes of the management API: login, users and passwords,
 * organizations and their members, teams, applications and robots,
 * namespace and repository visibility, repository grants, API tokens and
 * the audit log. Handlers only hand validated input to a management
 * service, which decides whether the caller may.
 */
import type { Grantee } from "../../accounts/management-repositories.ts";
import type { Management } from "../../accounts/management-service.ts";
import type { ApiRoute } from "./api-route.ts";
import { route } from "./api-route.ts";
import { schemas as s } from "./api-schemas.ts";

const grantee = (v: { team?: string; user?: string }): Grantee =>
  v.team !== undefined ? { team: v.team } : { user: v.user! };

/** The accounts routes over `m`, in matching order. */
export function accountRoutes(m: Management): ApiRoute[] {
  const { users, passwords, orgs, teams, apps, repositories: repos, tokens, robots, audit } = m;
  return [
    route("POST", "/login", {
      summary:
        "Create a CLI session token (cli-<time>, scopes api and *:pull,push,delete, expiring in 30 days unless told); shown once",
      body: s.login,
      handle: (i) => tokens.login(i.caller, i.body.expires),
    }),
    route("GET", "/user", { summary: "The caller's account and organizations", handle: (i) => users.me(i.caller) }),
    route("POST", "/users", {
      summary: "Create a user (server admin)",
      body: s.newUser,
      handle: (i) => users.create(i.caller, i.body),
    }),
    route("GET", "/users", {
      summary: "List users (server admin)",
      handle: async (i) => ({ users: await users.list(i.caller) }),
    }),
    route("POST", "/users/{user}/disable", {
      summary: "Disable a user (server admin)",
      status: 200,
      handle: (i) => users.disable(i.caller, i.params.user),
    }),
    route("PUT", "/user/password", {
      summary: "Change the caller's own password (confirming the current one); revokes its other login sessions",
      body: s.passwordChange,
      status: 200,
      handle: (i) => passwords.changeOwn(i.caller, i.body.current, i.body.password),
    }),
    route("PUT", "/users/{user}/password", {
      summary: "Set a user's password (server admin); revokes the user's login sessions and refresh tokens",
      body: s.passwordReset,
      status: 200,
      handle: (i) => passwords.reset(i.caller, i.params.user, i.body.password),
    }),
    route("POST", "/users/{user}/enable", {
      summary: "Re-enable a user (server admin)",
      status: 200,
      handle: (i) => users.enable(i.caller, i.params.user),
    }),
    route("POST", "/orgs", {
      summary: "Create an organization (the caller becomes owner)",
      body: s.newOrganization,
      handle: (i) => orgs.create(i.caller, i.body.name),
    }),
    route("GET", "/orgs", {
      summary: "The caller's organizations (all for a server admin)",
      handle: async (i) => ({ organizations: await orgs.list(i.caller) }),
    }),
    route("GET", "/orgs/{org}", {
      summary: "An organization's members, teams and namespaces",
      handle: (i) => orgs.get(i.caller, i.params.org),
    }),
    route("PUT", "/orgs/{org}/members/{user}", {
      summary: "Add a member or change owner status",
      body: s.member,
      handle: (i) => orgs.setMember(i.caller, i.params.org, i.params.user, i.body.owner),
    }),
    route("DELETE", "/orgs/{org}/members/{user}", {
      summary: "Remove a member",
      status: 204,
      handle: (i) => orgs.removeMember(i.caller, i.params.org, i.params.user),
    }),
    route("POST", "/orgs/{org}/teams", {
      summary: "Create a team",
      body: s.newTeam,
      handle: (i) => teams.create(i.caller, i.params.org, i.body.name, i.body.role),
    }),
    route("GET", "/orgs/{org}/teams", {
      summary: "List teams and their members",
      handle: async (i) => ({ teams: await teams.list(i.caller, i.params.org) }),
    }),
    route("PATCH", "/orgs/{org}/teams/{team}", {
      summary: "Change a team's role",
      body: s.teamChange,
      handle: (i) => teams.setRole(i.caller, i.params.org, i.params.team, i.body.role),
    }),
    route("DELETE", "/orgs/{org}/teams/{team}", {
      summary: "Delete a team",
      status: 204,
      handle: (i) => teams.remove(i.caller, i.params.org, i.params.team),
    }),
    route("PUT", "/orgs/{org}/teams/{team}/members/{user}", {
      summary: "Add a user to a team (and the organization)",
      status: 204,
      handle: (i) => teams.addMember(i.caller, i.params.org, i.params.team, i.params.user),
    }),
    route("DELETE", "/orgs/{org}/teams/{team}/members/{user}", {
      summary: "Remove a user from a team",
      status: 204,
      handle: (i) => teams.removeMember(i.caller, i.params.org, i.params.team, i.params.user),
    }),
    route("POST", "/orgs/{org}/apps", {
      summary: "Create an application (its slug becomes a namespace)",
      body: s.newApplication,
      handle: (i) => apps.create(i.caller, i.params.org, i.body.slug),
    }),
    route("GET", "/orgs/{org}/apps", {
      summary: "List applications",
      handle: async (i) => ({ applications: await apps.list(i.caller, i.params.org) }),
    }),
    route("POST", "/orgs/{org}/robots", {
      summary: "Create a robot; its secret is shown once",
      body: s.newRobot,
      handle: (i) => robots.create(i.caller, i.params.org, i.body.name, i.body.scopes),
    }),
    route("GET", "/orgs/{org}/robots", {
      summary: "List robots (no secrets)",
      handle: async (i) => ({ robots: await robots.list(i.caller, i.params.org) }),
    }),
    route("DELETE", "/orgs/{org}/robots/{robot}", {
      summary: "Revoke a robot",
      status: 204,
      handle: (i) => robots.revoke(i.caller, i.params.org, i.params.robot),
    }),
    route("PUT", "/namespaces/{namespace}/visibility", {
      summary: "Make a namespace public or private",
      body: s.visibility,
      handle: (i) => repos.setNamespaceVisibility(i.caller, i.params.namespace, i.body.visibility),
    }),
    route("PUT", "/repositories/{name+}/visibility", {
      summary: "Make a repository public or private",
      body: s.visibility,
      handle: (i) => repos.setRepositoryVisibility(i.caller, i.params.name, i.body.visibility),
    }),
    route("GET", "/repositories/{name+}/grants", {
      summary: "List a repository's grants",
      handle: async (i) => ({ grants: await repos.listGrants(i.caller, i.params.name) }),
    }),
    route("PUT", "/repositories/{name+}/grants", {
      summary: "Grant a team or member a role on a repository",
      body: s.grant,
      handle: (i) => repos.grant(i.caller, i.params.name, grantee(i.body), i.body.role),
    }),
    route("DELETE", "/repositories/{name+}/grants", {
      summary: "Remove a grant (?team= or ?user=)",
      query: s.grantee,
      status: 204,
      handle: (i) => repos.revokeGrant(i.caller, i.params.name, grantee(i.query)),
    }),
    route("POST", "/tokens", {
      summary: "Create an API token; the token is shown once",
      body: s.newToken,
      handle: (i) => tokens.create(i.caller, i.body),
    }),
    route("GET", "/tokens", {
      summary: "List the caller's tokens (no secrets)",
      handle: async (i) => ({ tokens: await tokens.list(i.caller) }),
    }),
    route("DELETE", "/tokens/{token}", {
      summary: "Revoke one of the caller's tokens",
      status: 204,
      handle: (i) => tokens.revoke(i.caller, i.params.token),
    }),
    route("GET", "/audit", {
      summary:
        "Audit events, newest first (own events unless server admin), filtered by time, actor, action and target; " +
        "a page that may have more holds `next`, the cursor of the following page",
      query: s.auditQuery,
      handle: (i) => audit.list(i.caller, i.query),
    }),
  ];
}
