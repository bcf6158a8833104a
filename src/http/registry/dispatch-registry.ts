/**
 * @module
 * The registry pipeline every `/v2` request runs through, in this order:
 * match a route → validate the repository name → authorize once → resolve
 * the name to its repository (local or pull-through proxy) → handler →
 * errors written in the one wire format. Handlers see only validated input
 * and an authorized subject. After a successful manifest or blob GET the
 * pipeline reports what it served (`onPulled`: the per-license pull audit).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { WharfError } from "../../errors/wharf-error.ts";
import type { Logger } from "../../log/create-logger.ts";
import { isValidRepositoryName, maxRepositoryNameLength } from "../../reference/grammar.ts";
import type { Access } from "../authorizer.ts";
import { requestOrigin } from "../request-origin.ts";
import { createRouteMatcher } from "../route-matcher.ts";
import { toWharfError, writeError } from "../write-error.ts";
import type { RegistryServices } from "./registry-context.ts";
import { type RegistryRoute, registryRoutes } from "./registry-routes.ts";

const match = createRouteMatcher(registryRoutes, (route) => ({
  pattern: route.pattern,
  methods: Object.keys(route.methods),
}));

function validName(raw: string): string {
  if (!isValidRepositoryName(raw)) {
    const why =
      raw.length > maxRepositoryNameLength
        ? `it is longer than ${maxRepositoryNameLength} characters`
        : "use lower-case letters and digits, separated by '.', '_', '__' or '-', in '/'-separated components";
    throw new WharfError("NAME_INVALID", `invalid repository name ${JSON.stringify(raw.slice(0, 100))}: ${why}`);
  }
  return raw;
}

function decodeSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function accessesFor(actions: RegistryRoute["methods"][string]["actions"], name: string): Access[] {
  if (actions === "none") return [];
  if (actions === "catalog") return [{ type: "registry", name: "catalog", actions: ["*"] }];
  return [{ type: "repository", name, actions }];
}

/** `host[:port]` of public origins seen (a handful: the configured URL, or the hosts clients address). */
const hosts = new Map<string, string>();

function hostOf(origin: string): string {
  let host = hosts.get(origin);
  if (host === undefined) {
    host = new URL(origin).host;
    if (hosts.size >= 1000) hosts.clear();
    hosts.set(origin, host);
  }
  return host;
}

/** Handles one `/v2` request; returns the route id for metrics. */
export async function dispatchRegistry(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: URLSearchParams,
  services: RegistryServices,
  log: Logger,
): Promise<string> {
  res.setHeader("Docker-Distribution-API-Version", "registry/2.0");
  const head = req.method === "HEAD";
  const found = match(req.method ?? "", path);
  try {
    if (found.kind === "no-route") throw new WharfError("NOT_FOUND", `no registry endpoint at ${path.slice(0, 200)}`);
    if (found.kind === "no-method") {
      const { allow } = found;
      throw new WharfError("UNSUPPORTED", `${req.method} is not supported here; use ${allow.join(", ")}`, { allow });
    }
    const method = found.route.methods[req.method ?? ""]!;
    const name = found.route.named ? validName(found.groups[0]!) : "";
    const segment = decodeSegment(found.groups[found.route.named ? 1 : 0] ?? "");
    const decision = await services.authorizer.authorize(req, accessesFor(method.actions, name));
    if (!decision.ok) throw decision.error;
    const remote = req.socket.remoteAddress; // read now: the socket may be gone when a streamed answer ends
    const host = hostOf(requestOrigin(req).publicOrigin);
    const repository = await services.repositories(name, { principal: decision.subject, host });
    await method.handle({ req, res, query, log, name, segment, subject: decision.subject, repository, services });
    if (method.audit && services.onAudited) {
      const digest = res.getHeader("Docker-Content-Digest");
      const target =
        typeof digest === "string" && digest !== segment ? `${name}:${segment}@${digest}` : `${name}@${segment}`;
      services.onAudited({
        actor: decision.subject.name,
        action: method.audit,
        target,
        remote: requestOrigin(req).clientAddress,
      });
    }
    if (services.onPulled && req.method === "GET" && (found.route.id === "manifest" || found.route.id === "blob")) {
      const digest = res.getHeader("Docker-Content-Digest");
      services.onPulled({
        subject: decision.subject,
        repository: name,
        reference: segment,
        digest: typeof digest === "string" ? digest : undefined,
        kind: found.route.id,
        bytes: Number(res.getHeader("Content-Length") ?? 0) || 0,
        remote,
      });
    }
  } catch (error) {
    if (req.destroyed && !req.complete) {
      // The client went away mid-request: nobody is there to read an error.
      log.debug({ err: error }, "client closed the connection");
      res.destroy();
    } else {
      writeError(res, toWharfError(error, log), head);
    }
  }
  return found.kind === "no-route" ? "unmatched" : found.route.id;
}
