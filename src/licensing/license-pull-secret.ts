/**
 * @module
 * The `kubernetes.io/dockerconfigjson` Secret a customer installs to pull
 * with a license: the license id as both username and password for the
 * registry host, rendered by the pull-secret renderers of `secrets/`.
 */
import { renderDockerConfigJson } from "../secrets/render-docker-config.ts";
import { renderKubernetesSecret } from "../secrets/render-kubernetes-secret.ts";
import { SecretsError } from "../secrets/secrets-error.ts";
import { LicensingError } from "./licensing-error.ts";

/** What to render. */
export interface LicensePullSecret {
  readonly name: string;
  readonly namespaces: readonly string[];
  /** `host[:port]` or a URL; only its host and port are used. */
  readonly registry: string;
  readonly licenseId: string;
  readonly email: string | undefined;
}

/** `host[:port]` of `registry`; LicensingError `invalid` when it is not a host or URL. */
export function registryHost(registry: string): string {
  const text = registry.trim();
  try {
    const url = new URL(/^[a-z]+:\/\//i.test(text) ? text : `https://${text}`);
    if (url.host && url.username === "" && (url.pathname === "/" || url.pathname === "")) return url.host;
  } catch {}
  throw new LicensingError(
    "invalid",
    `registry ${JSON.stringify(text.slice(0, 100))} is not a host: write e.g. registry.example.com or registry.example.com:5000`,
  );
}

/** Multi-document YAML, one Secret per namespace; LicensingError `invalid` for a bad name, namespace or registry. */
export function renderLicensePullSecret(input: LicensePullSecret): string {
  const registryKey = registryHost(input.registry);
  const credential = {
    kind: "password" as const,
    registryKey,
    username: input.licenseId,
    password: input.licenseId,
    ...(input.email ? { email: input.email } : {}),
  };
  try {
    return renderKubernetesSecret(input.name, input.namespaces, renderDockerConfigJson([credential]));
  } catch (error) {
    if (error instanceof SecretsError) throw new LicensingError("invalid", error.message);
    throw error;
  }
}
