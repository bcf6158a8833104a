/**
 * @module
 * The HTTP edge: one `node:http` server for the registry API, health checks
 * and metrics. It gives every request an id (echoed as `X-Request-Id`), logs
 * one line when the response finishes (never headers, so never credentials;
 * a Wharf secret in the target, such as a license id sent as `account=`, is cut),
 * and records metrics by route.
 */
import { randomUUID } from "node:crypto";
import { createServer as createPlainServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { SecureContextOptions } from "node:tls";
import { WharfError } from "../errors/wharf-error.ts";
import { type Logger, unredacted } from "../log/create-logger.ts";
import { answerClientErrors } from "./client-error.ts";
import { guardRequestBody } from "./guard-request-body.ts";
import type { HttpLimits } from "./http-limits.ts";
import { limitConnections, type SharedConnectionCounts } from "./limit-connections.ts";
import type { WharfMetrics } from "./metrics.ts";
import { dispatchRegistry } from "./registry/dispatch-registry.ts";
import type { RegistryServices } from "./registry/registry-context.ts";
import { requestOrigin } from "./request-origin.ts";
import { tlsProtocolOptions } from "./tls-files.ts";
import { toWharfError, writeError } from "./write-error.ts";

/** What the HTTP edge needs besides the registry services. */
export interface HttpServerDeps {
  readonly services: RegistryServices;
  readonly metrics: WharfMetrics;
  readonly log: Logger;
  readonly maxHeaderBytes: number;
  /** Deadlines, upload rate and connection caps. */
  readonly limits: HttpLimits;
  /** Resolves when storage and database answer; rejects with the reason otherwise. */
  readonly checkReady: () => Promise<void>;
  /** Handlers for other path prefixes (`/auth/token`, `/api/v1/`), tried in order. */
  readonly mounts?: readonly Mount[];
  /** Key pair for HTTPS (TLS 1.2+, HTTP/1.1); plain HTTP when unset. */
  readonly tls?: SecureContextOptions;
  /** The whole server's exposition, when this process is one of several (a cluster worker asks its primary). */
  readonly serverMetrics?: () => Promise<string>;
  /** Connection counts of the whole server, when this process is one of several. */
  readonly sharedConnections?: SharedConnectionCounts;
}

/** A handler for every path under `prefix` (or exactly `prefix`). */
export interface Mount {
  readonly prefix: string;
  readonly id: string;
  readonly handle: (req: IncomingMessage, res: ServerResponse, query: URLSearchParams, path: string) => Promise<void>;
}

async function runMount(
  mount: Mount,
  req: IncomingMessage,
  res: ServerResponse,
  query: URLSearchParams,
  path: string,
  log: Logger,
) {
  try {
    await mount.handle(req, res, query, path);
  } catch (error) {
    writeError(res, toWharfError(error, log), req.method === "HEAD");
  }
  return mount.id;
}

const requestIdPattern = /^[A-Za-z0-9._:-]{1,64}$/;
/** A Wharf secret in a request target: token clients send the username as `account=`, and a license id is one. */
const secretInTarget = /(wharf_(?:lic|pat|robot)_)[A-Za-z0-9_%-]+/g;

function requestId(req: IncomingMessage): string {
  const given = req.headers["x-request-id"];
  return typeof given === "string" && requestIdPattern.test(given) ? given : randomUUID();
}

function splitUrl(url: string): { path: string; query: URLSearchParams } {
  const at = url.indexOf("?");
  return at < 0
    ? { path: url, query: new URLSearchParams() }
    : { path: url.slice(0, at), query: new URLSearchParams(url.slice(at + 1)) };
}

async function health(res: ServerResponse, path: string, deps: HttpServerDeps): Promise<string> {
  if (path === "/healthz") {
    res.setHeader("Content-Type", "text/plain");
    res.end("ok\n");
    return "healthz";
  }
  if (path === "/readyz") {
    try {
      await deps.checkReady();
      res.setHeader("Content-Type", "text/plain");
      res.end("ready\n");
    } catch (error) {
      deps.log.warn({ err: error }, "readiness check failed");
      writeError(res, new WharfError("UNAVAILABLE", "storage or database is not answering"));
    }
    return "readyz";
  }
  let text: string;
  try {
    text = deps.serverMetrics ? await deps.serverMetrics() : deps.metrics.render();
  } catch (error) {
    deps.log.warn({ err: error }, "could not gather the server's metrics");
    writeError(res, new WharfError("UNAVAILABLE", "the server's metrics could not be gathered"));
    return "metrics";
  }
  res.setHeader("Content-Type", deps.metrics.contentType);
  res.end(text);
  return "metrics";
}

async function route(req: IncomingMessage, res: ServerResponse, deps: HttpServerDeps, log: Logger): Promise<string> {
  const { path, query } = splitUrl(req.url ?? "/");
  if (path === "/v2" || path.startsWith("/v2/")) return dispatchRegistry(req, res, path, query, deps.services, log);
  if (path === "/healthz" || path === "/readyz" || path === "/metrics") return health(res, path, deps);
  for (const mount of deps.mounts ?? []) {
    if (path === mount.prefix || path.startsWith(`${mount.prefix}/`))
      return runMount(mount, req, res, query, path, log);
  }
  writeError(res, new WharfError("NOT_FOUND", `nothing is served at ${path.slice(0, 200)}`), req.method === "HEAD");
  return "unmatched";
}

type ServerFactory = (options: object, handler: (req: IncomingMessage, res: ServerResponse) => void) => Server;

/** `node:http`, or `node:https` with the key pair: an https.Server is an http.Server over TLS sockets. */
function serverFactory(tls: SecureContextOptions | undefined): ServerFactory {
  if (!tls) return createPlainServer;
  return (options, handler) => createTlsServer({ ...options, ...tls, ...tlsProtocolOptions }, handler) as Server;
}

/** Creates (but does not start) the server. */
export function createHttpServer(deps: HttpServerDeps): Server {
  const createServer = serverFactory(deps.tls);
  // The request line holds no secret (the target's are cut): no redaction pass for it.
  const requestLog = unredacted(deps.log);
  const server = createServer(
    { maxHeaderSize: deps.maxHeaderBytes, requestTimeout: 0, keepAliveTimeout: 65_000 },
    (req, res) => {
      const started = performance.now();
      const id = requestId(req);
      // Node detaches the socket once the response closes; read its address now.
      const remote = req.socket.remoteAddress;
      res.setHeader("X-Request-Id", id);
      const url = req.url ?? "/";
      const path = url.includes("?") ? url.slice(0, url.indexOf("?")) : url;
      guardRequestBody(req, res, path, deps.limits, (reason) =>
        deps.log.info({ reqId: id, remote }, `cut a slow request: ${reason}`),
      );
      route(req, res, deps, deps.log)
        .catch((error: unknown) => {
          deps.log.error({ err: error, reqId: id }, "request failed outside the pipeline");
          writeError(res, new WharfError("UNKNOWN"));
          return "error";
        })
        .then((routeId) => {
          const finish = () => {
            const seconds = (performance.now() - started) / 1000;
            const method = req.method ?? "";
            deps.metrics.requests.inc({ route: routeId, method, status: res.statusCode });
            deps.metrics.duration.observe({ route: routeId, method }, seconds);
            requestLog.info(
              {
                reqId: id,
                method,
                path: (req.url ?? "").slice(0, 300).replace(secretInTarget, "$1…"),
                status: res.statusCode,
                ms: Math.round(seconds * 1000),
                remote: requestOrigin(req).clientAddress,
              },
              "request",
            );
          };
          if (res.writableFinished || res.destroyed) finish();
          else res.once("close", finish);
        });
    },
  );
  answerClientErrors(server, deps.maxHeaderBytes);
  server.headersTimeout = 30_000;
  // A request may stream for hours (a big push), but a connection on which
  // nothing moves for five minutes is a stalled or hostile client: drop it.
  server.timeout = 300_000;
  limitConnections(
    server,
    deps.limits,
    (remote, cap) => deps.log.debug({ remote }, `refused a connection: over limits.${cap}`),
    deps.sharedConnections,
  );
  server.on("drop", (data?: { remoteAddress?: string }) =>
    deps.log.debug({ remote: data?.remoteAddress }, "refused a connection: over limits.maxConnections"),
  );
  return server;
}
