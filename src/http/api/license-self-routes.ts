/**
 * @module
 * The license holder's own, read-only corner of the management API,
 * mounted at `/api/v1/license` before `/api/v1`: `GET /api/v1/license/self`
 * answers what the license may pull, its releases and bundle links, the
 * Kubernetes pull Secret to install and the `kubectl` / `helm` lines
 * (licensing/license-self.ts). Only a license may call it — with its id as
 * Basic credentials (as `docker login` sends them) or through a portal
 * session opened with the id — and it is the only route a license reaches
 * besides its channel's releases; every other `/api/v1` route keeps
 * refusing licenses. It is a mount rather than a table route because the
 * pull Secret holds the id the request presented, which only the request
 * knows (Wharf keeps the id's hash). Revocation and expiry are read on
 * every request.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { Principal } from "../../accounts/access.ts";
import type { AuditLog } from "../../accounts/audit-log.ts";
import type { CredentialVerifier } from "../../accounts/credential-verifier.ts";
import { WharfError } from "../../errors/wharf-error.ts";
import type { LicenseSelf } from "../../licensing/license-self.ts";
import { readCredentials } from "../auth/request-credentials.ts";
import { requestOrigin } from "../request-origin.ts";
import { writeJson } from "../write-error.ts";
import { authenticateApiRequest } from "./api-authenticate.ts";
import { type ApiRoute, route } from "./api-route.ts";
import { withLicensingErrors } from "./licensing-errors.ts";
import { decodeSession, readCookies, sessionCookie } from "./session-cookie.ts";

/** Where the mount sits. */
export const licenseSelfPrefix = "/api/v1/license";

/** What the handler needs. */
export interface LicenseSelfDeps {
  readonly verifier: CredentialVerifier;
  readonly audit: AuditLog;
  readonly self: LicenseSelf;
}

const selfQuery = z.strictObject({
  namespace: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, "a Kubernetes namespace: lower-case letters, digits and '-'")
    .optional(),
});

/**
 * The routes for the OpenAPI document (the mount serves them; the API
 * table never sees these paths).
 */
export const licenseSelfRoutes: readonly ApiRoute[] = [
  route("GET", "/license/self", {
    summary:
      "A license holder's own license: what it may pull, releases and bundles, the pull Secret and kubectl/helm lines (licenses only)",
    query: selfQuery,
    licenses: true,
    handle: async () => {
      throw new WharfError("UNAVAILABLE", "the license view is not wired on this server");
    },
  }),
];

/** The license id the request authenticated with: the Basic password, or the portal session's. */
function presentedSecret(req: IncomingMessage): string {
  const credentials = readCredentials(req);
  if (credentials.kind === "basic") return credentials.secret;
  return decodeSession(readCookies(req).get(sessionCookie))?.token ?? "";
}

function requireLicense(principal: Principal) {
  if (principal.kind === "license") return principal;
  throw new WharfError(
    "DENIED",
    "only a license holder may read /api/v1/license/self: sign in with the license id (username: the id or the customer's e-mail)",
  );
}

/** Creates the `/api/v1/license` mount handler. */
export function createLicenseSelfHandler(deps: LicenseSelfDeps) {
  return async (req: IncomingMessage, res: ServerResponse, query: URLSearchParams, path: string): Promise<void> => {
    res.setHeader("Cache-Control", "no-store");
    if (path !== `${licenseSelfPrefix}/self`)
      throw new WharfError("NOT_FOUND", `no API endpoint at ${path.slice(0, 200)}`);
    if (req.method !== "GET") throw new WharfError("UNSUPPORTED", `use GET on ${path}`, { allow: ["GET"] });
    const parsed = selfQuery.safeParse(Object.fromEntries(query));
    if (!parsed.success) {
      const problem = parsed.error.issues.map((i) => `${i.path.join(".") || "query"}: ${i.message}`).join("; ");
      throw new WharfError("INVALID_REQUEST", `invalid query: ${problem}`.slice(0, 500));
    }
    const principal = requireLicense(await authenticateApiRequest(req, deps.verifier, deps.audit));
    const registry = new URL(requestOrigin(req).publicOrigin).host;
    const view = await withLicensingErrors(() =>
      deps.self.show({
        principal,
        licenseId: presentedSecret(req),
        registry,
        namespace: parsed.data.namespace ?? "default",
      }),
    );
    writeJson(res, 200, view);
  };
}
