/**
 * @module
 * The external-registry routes, one table: an organization's upstream
 * registries for the pull-through proxy. Handlers hand validated input to
 * the service, which decides whether the caller may; its failures become
 * wire codes in withExternalRegistryErrors. No answer holds a password.
 */
import type { ExternalRegistryService } from "../../external/create-external-registries.ts";
import type { ApiRoute } from "./api-route.ts";
import { route } from "./api-route.ts";
import { withExternalRegistryErrors as mapped } from "./external-registry-errors.ts";
import { externalRegistryAnswers as a, externalRegistrySchemas as s } from "./external-registry-schemas.ts";

const path = "/orgs/{org}/external-registries";

/** The routes over `external`. */
export function externalRegistryRoutes(external: ExternalRegistryService): ApiRoute[] {
  return [
    route("GET", path, {
      summary: "List an organization's external registries, without passwords (members)",
      response: a.registries,
      handle: (i) => mapped(async () => ({ registries: await external.list(i.caller, i.params.org) })),
    }),
    route("POST", path, {
      summary: "Add an external registry (owners and admins); the password is stored encrypted and never returned",
      body: s.newRegistry,
      response: a.registry,
      handle: (i) => mapped(() => external.add(i.caller, i.params.org, i.body)),
    }),
    route("GET", `${path}/{external}`, {
      summary: "An external registry, without its password (members)",
      response: a.registry,
      handle: (i) => mapped(() => external.get(i.caller, i.params.org, i.params.external)),
    }),
    route("PATCH", `${path}/{external}`, {
      summary: "Change an external registry's short name, endpoint, prefix or credentials (owners and admins)",
      body: s.change,
      response: a.registry,
      handle: (i) => mapped(() => external.update(i.caller, i.params.org, i.params.external, i.body)),
    }),
    route("DELETE", `${path}/{external}`, {
      summary: "Remove an external registry (owners and admins)",
      status: 204,
      handle: (i) => mapped(() => external.remove(i.caller, i.params.org, i.params.external)),
    }),
    route("POST", `${path}/{external}/test`, {
      summary:
        "Log in to an external registry and read its catalog, or one image's manifest; always 200, the answer is the code (owners and admins)",
      body: s.test,
      status: 200,
      response: a.test,
      handle: (i) => mapped(() => external.test(i.caller, i.params.org, i.params.external, i.body.image)),
    }),
  ];
}
