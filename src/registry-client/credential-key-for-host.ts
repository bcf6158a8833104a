/**
 * @module
 * Docker's credential stores (`~/.docker/config.json`, Kubernetes
 * `.dockerconfigjson` pull secrets) key Docker Hub's credentials by the
 * legacy index URL `https://index.docker.io/v1/`, not by any host that is
 * dialed. Every other registry is keyed by its host. The secret check, the
 * proxy and the secret renderer must agree on this key, so it lives here.
 */
import { dockerHub } from "../reference/docker-hub.ts";

/** The key Docker uses for Docker Hub in `auths` of a Docker config file. */
export const dockerHubCredentialKey = "https://index.docker.io/v1/";

/**
 * The `auths` key for a registry host or reference domain:
 * `https://index.docker.io/v1/` for `docker.io`, `index.docker.io` and
 * `registry-1.docker.io` (compared case-insensitively, since a host is);
 * the host unchanged (port kept, case kept) for every other registry.
 */
export function credentialKeyForHost(host: string): string {
  const lower = host.toLowerCase();
  if (lower === dockerHub.domain) return dockerHubCredentialKey;
  return (dockerHub.aliases as readonly string[]).includes(lower) ? dockerHubCredentialKey : host;
}
