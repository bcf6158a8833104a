/**
 * @module
 * The words of a secret check. Each failure kind of the registry client
 * becomes a stable code and a sentence that says what went wrong in the
 * user's terms (the secret, the image) and what to try; the client's own
 * message (host, request, status) follows where it helps. Also the rule for
 * whether a secret applies to an image at all, which is the kubelet's: the
 * registry host must match, and a registry URL with a path only covers
 * repositories under that path.
 */

import type { ImageReference } from "../reference/image-reference.ts";
import { registryHostForPulling } from "../reference/registry-host-for-pulling.ts";
import type { RegistryFailure } from "../registry-client/registry-result.ts";
import { failureCheckCodes } from "./check-outcome.ts";
import type { SecretCheckCode, SecretToCheck } from "./check-secret.ts";
import type { RegistryLocation } from "./registry-url.ts";

/**
 * True when a secret for `registry` is the one a puller would use for
 * `ref`: same host (case-insensitive; Docker Hub's `docker.io`), and when
 * the secret's key has a path, a repository equal to it or below it.
 */
export function secretCoversImage(registry: RegistryLocation, ref: ImageReference): boolean {
  if (ref.domain.toLowerCase() !== registry.host) return false;
  if (registry.kind === "docker-hub" || registry.key === registry.host) return true;
  const path = registry.key.slice(registry.host.length + 1);
  return ref.path === path || ref.path.startsWith(`${path}/`);
}

/** The E_REGISTRY_MISMATCH sentence. */
export function registryMismatchMessage(secret: SecretToCheck, ref: ImageReference, image: string): string {
  const where = secret.registry.kind === "docker-hub" ? "Docker Hub" : secret.registry.key;
  return `secret ${secret.name} holds credentials for ${where}, not for ${image}, so a puller would not use it for this image: choose a secret for ${ref.domain}, or check an image on ${where}`;
}

/** The code and sentence for a failed registry request about `image`. */
export function checkFailureMessage(
  secret: SecretToCheck,
  image: string,
  failure: RegistryFailure,
): { code: SecretCheckCode; message: string } {
  const name = secret.name;
  const reason = failure.message;
  const code = failureCheckCodes[failure.kind];
  switch (failure.kind) {
    case "unauthorized":
      return {
        code,
        message: `could not pull ${image}: the registry refused the username or password in secret ${name} (${reason})`,
      };
    case "forbidden":
      return {
        code,
        message: `could not pull ${image}: the registry accepted secret ${name} but denies it access to this repository (${reason})`,
      };
    case "not-found":
      return {
        code,
        message: `could not pull ${image}: the registry has no such repository or tag; check the name and tag (${reason})`,
      };
    case "rate-limited": {
      const after = failure.retryAfterSeconds === undefined ? "later" : `in ${failure.retryAfterSeconds} s`;
      return {
        code,
        message: `could not check ${image}: the registry is limiting requests; try again ${after} (${reason})`,
      };
    }
    case "unreachable":
      return { code, message: `could not reach the registry of ${image}: ${reason}` };
    case "tls": {
      const hint = secret.insecure
        ? ""
        : `; if it serves plain http, mark the secret insecure: wharf secret update ${name} --insecure`;
      return { code: "E_TLS", message: `could not check ${image}: TLS with the registry failed (${reason})${hint}` };
    }
    case "protocol":
      return {
        code,
        message: `could not check ${image}: ${hostOf(image)} answered in a way that is not the registry API (${reason})`,
      };
    case "forbidden-target":
      return {
        code: "E_FORBIDDEN_TARGET",
        message: `could not check ${image}: refused by the outbound guard (${reason})`,
      };
  }
}

function hostOf(image: string): string {
  return registryHostForPulling(image.split("/")[0] ?? image);
}
