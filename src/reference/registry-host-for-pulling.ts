/**
 * @module
 * References say `docker.io`, but Docker Hub's Registry HTTP API is served
 * from `registry-1.docker.io`. Every client in Wharf (proxy, rewriter, secret
 * check, airgap bundler) must make that same substitution before dialing, so
 * it lives in one function.
 */
import { dockerHub } from "./docker-hub.ts";

/**
 * The host (with port, if any) to send Registry API requests to for a
 * reference's `domain`: `registry-1.docker.io` for `docker.io` and its aliases
 * (`index.docker.io`, `registry-1.docker.io`), the domain unchanged otherwise
 * (including upper case and ports, e.g. `localhost:5000`, `[::1]:5000`).
 * Does not validate the domain.
 */
export function registryHostForPulling(domain: string): string {
  if (domain === dockerHub.domain) return dockerHub.pullHost;
  return (dockerHub.aliases as readonly string[]).includes(domain) ? dockerHub.pullHost : domain;
}
