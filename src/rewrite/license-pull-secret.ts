/**
 * @module
 * The pull Secret a license gives a cluster: a
 * `kubernetes.io/dockerconfigjson` Secret for the Wharf host whose username
 * and password are both the license id — how a license authenticates.
 */
import { renderDockerConfigJson } from "../secrets/render-docker-config.ts";
import { renderKubernetesSecret } from "../secrets/render-kubernetes-secret.ts";

/** YAML for the Secret `name` in each of `namespaces`, for pulls from `host` with `licenseId`. */
export function renderLicensePullSecret(
  name: string,
  namespaces: readonly string[],
  host: string,
  licenseId: string,
): string {
  const config = renderDockerConfigJson([
    { kind: "password", registryKey: host, username: licenseId, password: licenseId },
  ]);
  return renderKubernetesSecret(name, namespaces, config);
}
