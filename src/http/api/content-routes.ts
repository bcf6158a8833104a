/**
 * @module
 * Deletes of users, organizations and applications, and repository
 * listings and deletes. They come after the accounts routes, so
 * `/repositories/x/grants` stays theirs.
 */
import type { Management } from "../../accounts/management-service.ts";
import type { ApiRoute } from "./api-route.ts";
import { route } from "./api-route.ts";
import { schemas as s } from "./api-schemas.ts";

const deleteOptions = (q: { force?: string; dryRun?: string }) => ({
  force: q.force === "true",
  dryRun: q.dryRun === "true",
});

/** Deletes and repository listings; after the grants routes, so `/repositories/x/grants` stays theirs. */
export function contentRoutes(m: Management): ApiRoute[] {
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
