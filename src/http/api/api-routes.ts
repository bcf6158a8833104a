/**
 * @module
 * Every management API route, concatenated here and only here from one
 * table per feature, in matching order (the OpenAPI route is added by the
 * handler). Handlers only hand validated input to a service, which decides
 * whether the caller may; the dispatcher authenticates and validates before
 * any of them runs. A new feature adds its table file and one line below.
 */
import { accountRoutes } from "./account-routes.ts";
import type { ApiRoute } from "./api-route.ts";
import { contentRoutes } from "./content-routes.ts";
import type { ApiHandlerDeps } from "./create-api-handler.ts";
import { externalRegistryRoutes } from "./external-registry-routes.ts";
import { gcRoutes } from "./gc-routes.ts";
import { immutableTagRoutes } from "./immutable-tag-routes.ts";
import { licenseSelfRoutes } from "./license-self-routes.ts";
import { licensingRoutes } from "./licensing-routes.ts";
import { quotaRoutes } from "./quota-routes.ts";
import { releaseRoutes } from "./release-routes.ts";
import { secretRoutes } from "./secret-routes.ts";
import { serviceRoutes } from "./service-routes.ts";
import { webhookRoutes } from "./webhook-routes.ts";

/** The services the route tables expose; optional features add routes only when wired. */
export type ApiRouteDeps = Omit<ApiHandlerDeps, "verifier" | "audit" | "log">;

/** Every feature's routes, in matching order. */
export function apiRoutes(deps: ApiRouteDeps): ApiRoute[] {
  return [
    ...accountRoutes(deps.management),
    ...secretRoutes(deps.deploy),
    ...serviceRoutes(deps.deploy.services),
    ...contentRoutes(deps.management),
    ...(deps.external !== undefined ? externalRegistryRoutes(deps.external) : []),
    ...(deps.licensing ? licensingRoutes(deps.licensing) : []),
    ...(deps.releases ? releaseRoutes(deps.releases) : []),
    ...(deps.gc ? gcRoutes(deps.gc) : []),
    ...(deps.quotas ? quotaRoutes(deps.quotas) : []),
    ...(deps.licensing ? licenseSelfRoutes : []),
    ...(deps.webhooks ? webhookRoutes(deps.webhooks) : []),
    ...(deps.immutableTags ? immutableTagRoutes(deps.immutableTags) : []),
  ];
}
