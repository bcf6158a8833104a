/**
 * @module
 * The registry a pull secret is for, from the product form's choices: the
 * kind (Docker Hub, with its registry implied, or a private registry, whose
 * URL is mandatory) and the insecure flag. "Insecure" means the registry is
 * served over plain HTTP: a URL written without a scheme then means
 * `http://`, and `https://` together with it is a contradiction, refused
 * rather than guessed at.
 */

import type { DockerSecretFields } from "../metadata/secrets-metadata.ts";
import { quoteInput } from "../reference/quote-input.ts";
import { dockerHubRegistry, normalizeRegistryUrl, type RegistryLocation } from "./registry-url.ts";
import { SecretsError } from "./secrets-error.ts";

/** The registry kinds a secret may have. */
export const secretKinds = ["docker-hub", "private-registry"] as const;

/**
 * The canonical registry for a secret of `kind`. Docker Hub: `registry` may
 * be omitted or be any Docker Hub spelling (`docker.io`, …); `insecure` is
 * refused. Private registry: `registry` is required and normalized by
 * normalizeRegistryUrl (`http://` only when `insecure`); a URL that is
 * Docker Hub gives the Docker Hub location. Throws SecretsError
 * `invalid-input` with a message naming the rule.
 */
export function resolveSecretRegistry(kind: string, registry: string | undefined, insecure: boolean): RegistryLocation {
  const text = registry?.trim() ?? "";
  if (kind === "docker-hub") {
    if (insecure) throw invalid("a Docker Hub secret cannot be insecure: Docker Hub is served over https only");
    const given = text === "" ? undefined : normalizeRegistryUrl(text);
    if (given !== undefined && !(given.ok && given.kind === "docker-hub")) {
      throw invalid(
        `a Docker Hub secret takes no registry URL, but ${quoteInput(text)} was given: leave it out, or choose the private-registry kind`,
      );
    }
    return dockerHubRegistry;
  }
  if (kind !== "private-registry") {
    throw invalid(`secret kind ${quoteInput(kind)} is unknown: use "docker-hub" or "private-registry"`);
  }
  if (text === "") {
    throw invalid(
      "a private-registry secret needs its registry URL: give a host such as registry.example.com:5000 or https://registry.example.com",
    );
  }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(text)?.[1]?.toLowerCase();
  if (insecure && scheme === "https") {
    throw invalid(
      `registry URL ${quoteInput(text)} uses https:// but the secret is marked insecure (plain http): write http://, or do not mark it insecure`,
    );
  }
  const result = normalizeRegistryUrl(insecure && scheme === undefined ? `http://${text}` : text, { insecure });
  if (!result.ok) throw invalid(result.error);
  const { ok: _, ...location } = result;
  return location;
}

/** The stored registry columns of a secret for `location`. */
export function registryFields(
  location: RegistryLocation,
  insecure: boolean,
): Pick<DockerSecretFields, "kind" | "registryUrl" | "registryKey" | "insecure"> {
  return {
    kind: location.kind,
    registryUrl: location.url,
    registryKey: location.key,
    insecure: location.kind === "private-registry" && insecure,
  };
}

/** The location a stored secret names; the host is its `auths` key up to the first '/'. */
export function storedLocation(
  row: Pick<DockerSecretFields, "kind" | "registryUrl" | "registryKey">,
): RegistryLocation {
  if (row.kind === "docker-hub") return dockerHubRegistry;
  const host = row.registryKey.split("/")[0]!;
  return { kind: row.kind, url: row.registryUrl, host, key: row.registryKey };
}

function invalid(message: string): SecretsError {
  return new SecretsError("invalid-input", message);
}
