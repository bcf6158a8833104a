/**
 * @module
 * The service-deployment routes of the management API: an organization's
 * services and their Kubernetes rendering (which holds the pull Secret only
 * for owners and admins).
 */
import type { ServiceManager } from "../../deploy/service-manager.ts";
import { deployAnswers as a, deploySchemas as d } from "./api-deploy-schemas.ts";
import type { ApiRoute } from "./api-route.ts";
import { documentBodyBytes, route } from "./api-route.ts";

const servicesPath = "/orgs/{org}/services";

/** The service routes, in matching order. */
export function serviceRoutes(services: ServiceManager): ApiRoute[] {
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
