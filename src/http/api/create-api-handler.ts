/**
 * @module
 * The management API's dispatcher, mounted at `/api/v1`: it finds the route,
 * authenticates the caller, validates path parameters, query and JSON body
 * (bounded in size per route and in shape, see parse-bounded-json.ts)
 * against the route's schemas, runs the handler and writes
 * its result as JSON. A license is refused (403) on every route not
 * opened to licenses (`licenses: true`), before its input is read. Every
 * failure is a WharfError the HTTP edge writes in
 * the one error envelope; a master key that cannot open a pull secret is the
 * operator's problem, not the client's, so it becomes 503 UNAVAILABLE with
 * the operator's instructions (and a warning in the log). Responses are
 * never cached: some carry a secret.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { z } from "zod";
import type { AuditLog } from "../../accounts/audit-log.ts";
import type { CredentialVerifier } from "../../accounts/credential-verifier.ts";
import type { Management } from "../../accounts/management-service.ts";
import { WharfError } from "../../errors/wharf-error.ts";
import type { ExternalRegistryService } from "../../external/create-external-registries.ts";
import type { GarbageCollector } from "../../gc/create-garbage-collector.ts";
import { BoundedJsonError } from "../../json/bounded-json-error.ts";
import { isMalformedJson, parseBoundedJson } from "../../json/parse-bounded-json.ts";
import type { LicensingServices } from "../../licensing/create-licensing.ts";
import type { Logger } from "../../log/create-logger.ts";
import type { Quotas } from "../../quota/create-quotas.ts";
import type { ImmutableTagRules } from "../../registry/immutable-tag-rules.ts";
import type { ReleaseService } from "../../releases/release-service.ts";
import { MasterKeyError } from "../../secrets/master-key-error.ts";
import type { WebhookService } from "../../webhooks/webhook-service.ts";
import { clientAddress } from "../auth/request-credentials.ts";
import { readBody } from "../read-body.ts";
import { createRouteMatcher, type RouteMatch } from "../route-matcher.ts";
import { writeJson } from "../write-error.ts";
import { authenticateApiRequest } from "./api-authenticate.ts";
import { openApiDocument } from "./api-openapi.ts";
import { type ApiRoute, route } from "./api-route.ts";
import { apiRoutes } from "./api-routes.ts";
import { paramSchemas } from "./api-schemas.ts";
import type { DeployServices } from "./deploy-services.ts";

/** What the API needs. */
export interface ApiHandlerDeps {
  readonly management: Management;
  readonly verifier: CredentialVerifier;
  readonly audit: AuditLog;
  /** Pull secrets and services. */
  readonly deploy: DeployServices;
  /** External registries (the proxy's upstreams), when the feature is wired. */
  readonly external?: ExternalRegistryService;
  /** Where master-key failures are reported to the operator. */
  readonly log: Pick<Logger, "warn">;
  /** Customers and licenses. */
  readonly licensing?: LicensingServices;
  /** Releases of applications. */
  readonly releases?: ReleaseService;
  /** The garbage collector, when wired. */
  readonly gc?: GarbageCollector;
  /** Namespace quotas, when wired. */
  readonly quotas?: Quotas;
  /** Organizations' webhooks, when wired. */
  readonly webhooks?: WebhookService;
  /** Immutable tag rules stored per namespace or repository, when wired. */
  readonly immutableTags?: ImmutableTagRules;
}

/** An API body is a flat object with a few small lists. */
const bodyBounds = { maxDepth: 16, maxEntries: 10_000, maxValues: 100_000 };

function validate<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => (i.path.length > 0 ? `${i.path.join(".")}: ` : "") + i.message);
  throw new WharfError("INVALID_REQUEST", `invalid ${what}: ${problems.join("; ")}`.slice(0, 1000));
}

function matchedRoute(match: RouteMatch<ApiRoute>, path: string): { route: ApiRoute; groups: readonly string[] } {
  if (match.kind === "no-route") throw new WharfError("NOT_FOUND", `no API endpoint at ${path.slice(0, 200)}`);
  if (match.kind === "no-method") {
    const { allow } = match;
    throw new WharfError("UNSUPPORTED", `use ${allow.join(", ")} on ${path.slice(0, 200)}`, { allow });
  }
  return match;
}

function pathParams(found: ApiRoute, groups: readonly string[]): Record<string, string> {
  const params: Record<string, string> = {};
  found.paramNames.forEach((name, index) => {
    let value: string;
    try {
      value = decodeURIComponent(groups[index]!);
    } catch {
      throw new WharfError("INVALID_REQUEST", `the ${name} in the path is not valid percent-encoding`);
    }
    params[name] = validate(paramSchemas[name]!, value, name);
  });
  return params;
}

async function jsonBody(req: IncomingMessage, found: ApiRoute, schema: z.ZodType): Promise<unknown> {
  const bytes = await readBody(req, found.maxBodyBytes, "request body");
  let value: unknown = {};
  if (!isBlank(bytes)) {
    try {
      value = parseBoundedJson(bytes, bodyBounds);
    } catch (error) {
      if (!(error instanceof BoundedJsonError)) throw error;
      const framing = isMalformedJson(error) ? "is not valid JSON" : "is refused";
      throw new WharfError("INVALID_REQUEST", `the request body ${framing}: ${error.message}`);
    }
  }
  return validate(schema, value, "request body");
}

function isBlank(bytes: Uint8Array): boolean {
  return bytes.every((byte) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09);
}

/** Runs `handle`, turning a MasterKeyError into 503 UNAVAILABLE with its message (it never holds key material). */
async function masterKeyUnavailable<T>(log: ApiHandlerDeps["log"], handle: () => Promise<T>): Promise<T> {
  try {
    return await handle();
  } catch (error) {
    if (!(error instanceof MasterKeyError)) throw error;
    log.warn({ reason: error.reason }, `master key problem: ${error.message}`);
    throw new WharfError("UNAVAILABLE", error.message);
  }
}

/** Creates the `/api/v1` mount handler. */
export function createApiHandler(deps: ApiHandlerDeps) {
  const routes: ApiRoute[] = apiRoutes(deps);
  let document: unknown;
  routes.push(
    route("GET", "/openapi.json", {
      summary: "This OpenAPI 3.1 document",
      auth: false,
      handle: async () => {
        document ??= openApiDocument(routes);
        return document;
      },
    }),
  );

  const match = createRouteMatcher(routes, (r) => ({ pattern: r.pattern, methods: [r.method] }));

  return async (req: IncomingMessage, res: ServerResponse, query: URLSearchParams, path: string): Promise<void> => {
    res.setHeader("Cache-Control", "no-store");
    const { route: found, groups } = matchedRoute(match(req.method ?? "", path), path);
    const principal = found.auth
      ? await authenticateApiRequest(req, deps.verifier, deps.audit)
      : ({ kind: "anonymous", name: "anonymous" } as const);
    if (principal.kind === "license" && !found.licenses) {
      throw new WharfError(
        "DENIED",
        "a license may only pull images, read its releases and GET /api/v1/license/self; sign in as a user for the rest",
      );
    }
    const params = pathParams(found, groups);
    const queryValues = found.query ? validate(found.query, Object.fromEntries(query), "query") : {};
    const body = found.body ? await jsonBody(req, found, found.body) : undefined;
    const caller = { principal, remote: clientAddress(req) };
    const input = { caller, params, body, query: queryValues as Record<string, unknown> };
    const result = await masterKeyUnavailable(deps.log, () => found.handle(input));
    if (found.status === 204) {
      res.statusCode = 204;
      res.end();
      return;
    }
    writeJson(res, found.status, result);
  };
}
