/**
 * @module
 * The OpenAPI 3.1 document of the management API, generated from the route
 * table and the very zod schemas that validate requests (zod's JSON Schema
 * output is draft 2020-12, which OpenAPI 3.1 uses as is). Served at
 * `GET /api/v1/openapi.json` without authentication.
 */
import { z } from "zod";
import type { ApiRoute } from "./api-route.ts";
import { paramSchemas } from "./api-schemas.ts";

type JsonSchema = Record<string, unknown>;

/** A schema without its `$schema` header, ready to embed: what clients send (`input`) or receive (`output`). */
function jsonSchema(schema: z.ZodType, io: "input" | "output" = "input"): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" });
  return rest;
}

function operationId(route: ApiRoute): string {
  const words = route.path.split(/[/{}+._-]+/).filter(Boolean);
  return route.method.toLowerCase() + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join("");
}

function parameters(route: ApiRoute): JsonSchema[] {
  const inPath = route.paramNames.map((name) => {
    const { description, ...schema } = jsonSchema(paramSchemas[name]!);
    return { name, in: "path", required: true, description, schema };
  });
  if (!route.query) return inPath;
  const query = jsonSchema(route.query) as { properties?: Record<string, JsonSchema>; required?: string[] };
  const inQuery = Object.entries(query.properties ?? {}).map(([name, { description, ...schema }]) => ({
    name,
    in: "query",
    required: query.required?.includes(name) ?? false,
    ...(description === undefined ? {} : { description }),
    schema,
  }));
  return [...inPath, ...inQuery];
}

function operation(route: ApiRoute): JsonSchema {
  const error = { $ref: "#/components/responses/Error" };
  const success =
    route.status === 204
      ? { description: "done" }
      : {
          description: "success",
          content: {
            "application/json": { schema: route.response ? jsonSchema(route.response, "output") : { type: "object" } },
          },
        };
  const body = route.body ? jsonSchema(route.body) : undefined;
  return {
    operationId: operationId(route),
    summary: route.summary,
    tags: [route.tag],
    parameters: parameters(route),
    ...(body
      ? { requestBody: { required: Array.isArray(body.required), content: { "application/json": { schema: body } } } }
      : {}),
    responses: {
      [String(route.status)]: success,
      ...(route.auth ? { "401": error, "403": error } : {}),
      default: error,
    },
    security: route.auth ? [{ basic: [] }] : [],
  };
}

/** The document for `routes`, whose paths are under `/api/v1`. */
export function openApiDocument(routes: readonly ApiRoute[]): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const path = `/api/v1${route.path.replaceAll("+}", "}")}`;
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation(route) };
  }
  const errorEnvelope = {
    type: "object",
    required: ["errors"],
    properties: {
      errors: {
        type: "array",
        items: {
          type: "object",
          required: ["code", "message"],
          properties: { code: { type: "string" }, message: { type: "string" }, detail: {} },
        },
      },
    },
  };
  return {
    openapi: "3.1.0",
    info: {
      title: "Wharf management API",
      version: "1",
      description:
        "Users, organizations, teams, applications, visibility, grants, API tokens, robots, the audit log, " +
        "pull secrets (stored encrypted; a password leaves only through `render`, for owners and admins) " +
        "and service deployments rendered as Kubernetes YAML. " +
        "Authenticate with HTTP Basic: a username and a password, or an API token that has the `api` scope.",
    },
    paths,
    components: {
      securitySchemes: { basic: { type: "http", scheme: "basic" } },
      schemas: { Error: errorEnvelope },
      responses: {
        Error: {
          description: "the OCI-style error envelope, e.g. INVALID_REQUEST, DENIED, NOT_FOUND, CONFLICT",
          content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
        },
      },
    },
  };
}
