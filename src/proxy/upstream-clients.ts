/**
 * @module
 * The one place the proxy builds registry clients: one client per upstream
 * registry and credential set, reused so challenges and Bearer tokens are
 * cached across pulls. Credentials go only to the upstream's own host (and
 * the token realm it names); the options passed in (timeouts, retries, and
 * later the outbound guard) apply to every upstream.
 */
import { createHash } from "node:crypto";
import { registryHostForPulling } from "../reference/registry-host-for-pulling.ts";
import { createRegistryClient, type RegistryClient } from "../registry-client/create-registry-client.ts";
import type { RegistryClientOptions } from "../registry-client/registry-client-options.ts";
import type { UpstreamRegistry } from "./upstream-registry.ts";

const maxClients = 1000;

/** Returns the client for an upstream, creating it on first use. */
export type UpstreamClients = (upstream: UpstreamRegistry, domain: string) => RegistryClient;

/** Proxy defaults: fail over to the cache quickly rather than retry long. */
const proxyDefaults: RegistryClientOptions = { retries: 1, timeoutMs: 10_000, userAgent: "wharf-proxy" };

/**
 * A client cache. `domain` is the upstream's reference domain (as parsed,
 * `docker.io` for Docker Hub); the client dials it over http only when the
 * upstream's base URL is http.
 */
export function createUpstreamClients(options: RegistryClientOptions = {}): UpstreamClients {
  const clients = new Map<string, RegistryClient>();
  return (upstream, domain) => {
    const secret = upstream.credentials
      ? createHash("sha256").update(`${upstream.credentials.username}\n${upstream.credentials.password}`).digest("hex")
      : "";
    const key = `${upstream.baseUrl.href}\n${domain}\n${secret}`;
    const known = clients.get(key);
    if (known) return known;
    const dialed = registryHostForPulling(domain);
    const plain = upstream.baseUrl.protocol === "http:";
    const client = createRegistryClient({
      ...proxyDefaults,
      ...options,
      credentials: (host) => (host === dialed ? upstream.credentials : undefined),
      insecure: (host) => plain && host === dialed,
    });
    if (clients.size >= maxClients) clients.delete(clients.keys().next().value!);
    clients.set(key, client);
    return client;
  };
}
