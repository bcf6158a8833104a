/**
 * @module
 * What one management API route is: a method, a path template with named
 * parameters (`/orgs/{org}/teams/{team}`; `{name+}` may span '/'), zod
 * schemas for the query and the JSON body, the success status and a handler.
 * The same description drives request validation and the OpenAPI document,
 * so the two cannot drift apart.
 */
import type { z } from "zod";
import type { Caller } from "../../accounts/management-access.ts";

/** An HTTP method the API uses. */
export type ApiMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

type ParamName<S extends string> = S extends `${string}{${infer N}}${infer Rest}`
  ? (N extends `${infer M}+` ? M : N) | ParamName<Rest>
  : never;

/** The parameters a path template declares, as strings. */
export type PathParams<S extends string> = { readonly [K in ParamName<S>]: string };

/** What a handler receives: the authenticated caller and validated input. */
export interface RouteInput<P, B, Q> {
  readonly caller: Caller;
  readonly params: P;
  readonly body: B;
  readonly query: Q;
}

/** A route as the dispatcher and the OpenAPI generator see it. */
export interface ApiRoute {
  readonly method: ApiMethod;
  /** Path under `/api/v1`, e.g. `/orgs/{org}`. */
  readonly path: string;
  readonly summary: string;
  /** Tag grouping the route in the OpenAPI document (its first path segment). */
  readonly tag: string;
  /** 200 with a JSON body, 201 created with a JSON body, 204 without one. */
  readonly status: 200 | 201 | 204;
  /** False only for routes anyone may call (the OpenAPI document). */
  readonly auth: boolean;
  /** True when a license may call the route at all (its service still decides what it sees); the dispatcher refuses licenses elsewhere. */
  readonly licenses: boolean;
  readonly body?: z.ZodType;
  /** The largest JSON body accepted, in bytes (413 beyond it). */
  readonly maxBodyBytes: number;
  readonly query?: z.ZodObject;
  /** The success answer's shape, for the OpenAPI document only (answers are not validated). */
  readonly response?: z.ZodType;
  /** Matches the raw path; groups are the parameters in order. */
  readonly pattern: RegExp;
  readonly paramNames: readonly string[];
  readonly handle: (input: RouteInput<Record<string, string>, unknown, Record<string, unknown>>) => Promise<unknown>;
}

/** How a route is written in the table. */
export interface RouteSpec<S extends string, B extends z.ZodType, Q extends z.ZodObject> {
  readonly summary: string;
  readonly body?: B;
  /** Default {@link defaultMaxBodyBytes}; raise it only for routes that take documents. */
  readonly maxBodyBytes?: number;
  readonly query?: Q;
  readonly response?: z.ZodType;
  readonly status?: 200 | 201 | 204;
  readonly auth?: boolean;
  /** Open the route to licenses (default false: a license is refused before the handler runs). */
  readonly licenses?: boolean;
  readonly handle: (input: RouteInput<PathParams<S>, z.output<B>, z.output<Q>>) => Promise<unknown>;
}

/** The body limit of a route that does not set one: ample for names, grants and passwords. */
export const defaultMaxBodyBytes = 64 * 1024;

/** The body bound of routes that carry a document (a Docker config.json, a service's env and command). */
export const documentBodyBytes = 1024 * 1024;

/** Compiles a path template into a pattern over the raw path and its parameter names. */
function compile(path: string): { pattern: RegExp; paramNames: string[] } {
  const paramNames: string[] = [];
  const source = path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{(\w+)(\\\+)?\}/g, (_m, name: string, rest) => {
    paramNames.push(name);
    return rest ? "(.+)" : "([^/]+)";
  });
  return { pattern: new RegExp(`^/api/v1${source}$`), paramNames };
}

/** Defines a route; the handler's params, body and query are typed from the path and schemas. */
export function route<S extends string, B extends z.ZodType = z.ZodUnknown, Q extends z.ZodObject = z.ZodObject>(
  method: ApiMethod,
  path: S,
  spec: RouteSpec<S, B, Q>,
): ApiRoute {
  return {
    method,
    path,
    summary: spec.summary,
    tag: path.split("/")[1] ?? "",
    status: spec.status ?? (method === "POST" ? 201 : 200),
    auth: spec.auth ?? true,
    licenses: spec.licenses ?? false,
    body: spec.body,
    maxBodyBytes: spec.maxBodyBytes ?? defaultMaxBodyBytes,
    query: spec.query,
    response: spec.response,
    ...compile(path),
    handle: spec.handle as ApiRoute["handle"],
  };
}
