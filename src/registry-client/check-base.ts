/**
 * @module
 * `GET /v2/`: the registry's "are you there, and do you accept me?"
 * endpoint. It is how the pull-secret store checks a secret before saving
 * it — exactly what `docker login` does — since on a Bearer registry the
 * client must exchange the credentials at the token server to get past it.
 */
import { registryHostForPulling } from "../reference/registry-host-for-pulling.ts";
import { type RegistryResult, success } from "./registry-result.ts";
import type { RegistryTransport } from "./registry-transport.ts";
import { headerValue } from "./send-request.ts";

/** What a successful base check learned. */
export interface BaseCheck {
  /** The host that was dialed (`registry-1.docker.io` for `docker.io`). */
  readonly host: string;
  /** `Docker-Distribution-API-Version` (`registry/2.0`), when the registry sent it. */
  readonly apiVersion?: string;
}

/**
 * GETs `/v2/` on `host` — a reference domain or host with port
 * (`docker.io`, `ghcr.io`, `localhost:5000`) — answering any challenge with
 * the configured credentials. ok means the registry speaks the v2 API and
 * accepts those credentials (or anonymous access, when none are
 * configured). Wrong credentials → `unauthorized`; a registry that insists
 * on credentials none were given for → `unauthorized`; see RegistryFailure
 * for the rest. A Bearer registry is not asked about any repository (no
 * scope), so ok does not promise that a given repository can be pulled.
 */
export async function checkBase(transport: RegistryTransport, host: string): Promise<RegistryResult<BaseCheck>> {
  const dialed = registryHostForPulling(host);
  const sent = await transport.send({ host: dialed, method: "GET", path: "/v2/" });
  if (!sent.ok) return sent;
  sent.value.body.resume();
  const apiVersion = headerValue(sent.value.headers["docker-distribution-api-version"]);
  return success({ host: dialed, ...(apiVersion !== undefined && { apiVersion }) });
}
