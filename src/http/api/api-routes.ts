/**
 * @module
 * Every management API route on one screen. Handlers only hand validated
 * input to a management service, which decides whether the caller may; the
 * dispatcher authenticates and validates before any of them runs. Pull
 * secrets and services follow the accounts routes: their answers never hold
 * a password, except the text of a render, which the services allow only to
 * owners and admins.
 */
import type { Caller } from "../../accounts/management-access.ts";
import type { Grantee } from "../../accounts/management-repositories.ts";
import type { Management } from "../../accounts/management-service.ts";
import type { ServiceManager } from "../../deploy/service-manager.ts";
import type { KeyRotationReport } from "../../secrets/rotate-master-key.ts";
import type { SecretStoreService } from "../../secrets/secret-store-service.ts";
import { deployAnswers as a, deploySchemas as d } from "./api-deploy-schemas.ts";
import type { ApiRoute } from "./api-route.ts";
import { route } from "./api-route.ts";
import { schemas as s } from "./api-schemas.ts";

/** The pull-secret and service-deployment services the API exposes. */
export interface DeployServices {
  readonly secrets: SecretStoreService;
  readonly services: ServiceManager;
  /** Adds a master-key version and re-encrypts every secret (server admin). */
  readonly rotateKey: (caller: Caller) => Promise<KeyRotationReport>;
}

const grantee = (v: { team?: string; user?: string }): Grantee =>
  v.team !== undefined ? { team: v.team } : { user: v.user! };

/** The routes over `m` and `deploy`, in matching order (the OpenAPI route is added by the handler). */
export function apiRoutes(m: Management, deploy: DeployServices): ApiRoute[] {
  return [...accountRoutes(m), ...secretRoutes(deploy), ...serviceRoutes(deploy.services), ...contentRoutes(m)];
}

const deleteOptions = (q: { force?: string; dryRun?: string }) => ({
  force: q.force === "true",
  dryRun: q.dryRun === "true",
});

/** Deletes and repository listings; after the grants routes, so `/repositories/x/grants` stays theirs. */
function contentRoutes(m: Management): ApiRoute[] {
  const { content, deletes } = m;
  return [
    route("DELETE", "/users/{user}", {
      summary: "Delete a user with their tokens and memberships; not oneself, not the last admin (server admin)",
      query: s.deleteQuery,
      handle: (i) => deletes.user(i.caller, i.params.user, deleteOptions(i.query)),
    }),
    route("DELETE", "/orgs/{org}", {
      summary: "Delete an organization with its teams, robots, applications, secrets and services (owners)",
      query: s.deleteQuery,
      handle: (i) => deletes.organization(i.caller, i.params.org, deleteOptions(i.query)),
    }),
    route("DELETE", "/orgs/{org}/apps/{slug}", {
      summary: "Delete an application and its namespace (owners and admins)",
      query: s.deleteQuery,
      handle: (i) => deletes.application(i.caller, i.params.org, i.params.slug, deleteOptions(i.query)),
    }),
    route("GET", "/repositories", {
      summary: "Repositories you may pull, with tag and manifest counts and the last push",
      query: s.repositoryQuery,
      handle: async (i) => ({ repositories: await content.list(i.caller, i.query.namespace) }),
    }),
    route("GET", "/repositories/{name+}/tags", {
      summary: "A repository's tags with digest, media type, size, platforms (indexes) and push time",
      handle: async (i) => ({ repository: i.params.name, tags: await content.tags(i.caller, i.params.name) }),
    }),
    route("DELETE", "/repositories/{name+}", {
      summary: "Delete a repository: tags, manifests, settings, grants; blob bytes wait for a garbage collector",
      query: s.deleteQuery,
      handle: (i) => content.remove(i.caller, i.params.name, i.query.dryRun === "true"),
    }),
  ];
}

function accountRoutes(m: Management): ApiRoute[] {
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
      summary: "Audit events, newest first (own events unless server admin)",
      query: s.auditQuery,
      handle: async (i) => ({ events: await audit.list(i.caller, i.query) }),
    }),
  ];
}

/** Routes that carry a document (a Docker config.json, a service's env and command). */
const documentBodyBytes = 1024 * 1024;

const secretsPath = "/orgs/{org}/secrets";

function secretRoutes({ secrets, rotateKey }: DeployServices): ApiRoute[] {
  return [
    route("GET", secretsPath, {
      summary: "List an organization's pull secrets, without passwords (members)",
      response: a.secrets,
      handle: async (i) => ({ secrets: await secrets.list(i.caller, i.params.org) }),
    }),
    route("POST", secretsPath, {
      summary: "Create a pull secret (owners and admins); the password is stored encrypted and never returned",
      body: d.newSecret,
      response: a.secret,
      handle: (i) => secrets.create(i.caller, i.params.org, i.body),
    }),
    route("POST", `${secretsPath}/import`, {
      summary: "Create pull secrets from a Docker config.json; notes explain entries not imported (owners and admins)",
      body: d.importConfig,
      maxBodyBytes: documentBodyBytes,
      status: 200,
      response: a.imported,
      handle: (i) => secrets.importConfig(i.caller, i.params.org, i.body.config),
    }),
    route("POST", `${secretsPath}/render`, {
      summary:
        "Render pull secrets as .dockerconfigjson or Kubernetes Secrets; holds the passwords (owners and admins)",
      body: d.render,
      status: 200,
      response: a.rendered,
      handle: (i) => secrets.render(i.caller, i.params.org, i.body.names, i.body),
    }),
    route("GET", `${secretsPath}/{secret}`, {
      summary: "A pull secret, without its password (members)",
      response: a.secret,
      handle: (i) => secrets.get(i.caller, i.params.org, i.params.secret),
    }),
    route("PATCH", `${secretsPath}/{secret}`, {
      summary: "Change a pull secret's username, password, e-mail or registry (owners and admins)",
      body: d.secretChange,
      response: a.secret,
      handle: (i) => secrets.update(i.caller, i.params.org, i.params.secret, i.body),
    }),
    route("DELETE", `${secretsPath}/{secret}`, {
      summary: "Delete a pull secret no service uses (owners and admins)",
      status: 204,
      handle: (i) => secrets.delete(i.caller, i.params.org, i.params.secret),
    }),
    route("POST", `${secretsPath}/{secret}/rename`, {
      summary: "Rename a pull secret; services using it follow (owners and admins)",
      body: d.rename,
      status: 200,
      response: a.secret,
      handle: (i) => secrets.rename(i.caller, i.params.org, i.params.secret, i.body.name),
    }),
    route("POST", `${secretsPath}/{secret}/check`, {
      summary: "Check that a pull secret can pull an image; always 200, the answer is the code (owners and admins)",
      body: d.check,
      status: 200,
      response: a.check,
      handle: (i) => secrets.check(i.caller, i.params.org, i.params.secret, i.body.image, i.body),
    }),
    route("POST", "/secrets/rotate-key", {
      summary: "Add a master-key version (key file) and re-encrypt every pull secret under it (server admin)",
      status: 200,
      response: a.rotation,
      handle: (i) => rotateKey(i.caller),
    }),
  ];
}

const servicesPath = "/orgs/{org}/services";

function serviceRoutes(services: ServiceManager): ApiRoute[] {
  return [
    route("GET", servicesPath, {
      summary: "List an organization's services (members)",
      response: a.services,
      handle: async (i) => ({ services: await services.list(i.caller, i.params.org) }),
    }),
    route("POST", servicesPath, {
      summary: "Create a service: image, pull secret, replicas, ports, env, command (owners and admins)",
      body: d.newService,
      maxBodyBytes: documentBodyBytes,
      response: a.service,
      handle: (i) => services.create(i.caller, i.params.org, i.body),
    }),
    route("GET", `${servicesPath}/{service}`, {
      summary: "A service (members)",
      response: a.service,
      handle: (i) => services.get(i.caller, i.params.org, i.params.service),
    }),
    route("PATCH", `${servicesPath}/{service}`, {
      summary: "Change a service; secretName null removes its pull secret (owners and admins)",
      body: d.serviceChange,
      maxBodyBytes: documentBodyBytes,
      response: a.service,
      handle: (i) => services.update(i.caller, i.params.org, i.params.service, i.body),
    }),
    route("DELETE", `${servicesPath}/{service}`, {
      summary: "Delete a service (owners and admins)",
      status: 204,
      handle: (i) => services.delete(i.caller, i.params.org, i.params.service),
    }),
    route("GET", `${servicesPath}/{service}/render`, {
      summary:
        "Render a service as Kubernetes YAML in JSON {yaml}: its pull Secret (owners and admins), Deployment, Service",
      query: d.renderService,
      response: a.serviceYaml,
      handle: async (i) => {
        const { namespace, includeSecret } = i.query;
        const options = {
          ...(namespace !== undefined && { namespace }),
          ...(includeSecret !== undefined && { includeSecret: includeSecret === "true" }),
        };
        return { yaml: await services.render(i.caller, i.params.org, i.params.service, options) };
      },
    }),
  ];
}
