/**
 * @module
 * "Will this secret pull this image?", answered before a deployment fails
 * (the product's source documents meet it as rapyuta's DEP_E153, long after
 * the password was typed). The image is normalized as Docker would pull it,
 * the manifest is HEADed with the secret's credentials — and every platform
 * manifest of an index when asked — and the answer is one stable code and
 * one line. Nothing is sent when the secret's registry is not the image's
 * (Kubernetes would not use the secret for it either). The password is
 * never in a message: the registry client never puts it there, and every
 * message is scrubbed of it again here.
 */

import type { ImageReference } from "../reference/image-reference.ts";
import { parseReference } from "../reference/parse-reference.ts";
import { referenceString } from "../reference/reference-string.ts";
import { registryHostForPulling } from "../reference/registry-host-for-pulling.ts";
import { withDefaultTag } from "../reference/with-default-tag.ts";
import type { RegistryClient } from "../registry-client/create-registry-client.ts";
import { createRegistryClient } from "../registry-client/create-registry-client.ts";
import type { RegistryCredentials } from "../registry-client/registry-client-options.ts";
import type { RegistryFailure } from "../registry-client/registry-result.ts";
import { redactCredential } from "./check-outcome.ts";
import { checkFailureMessage, registryMismatchMessage, secretCoversImage } from "./check-secret-messages.ts";
import type { RegistryCredential } from "./registry-credential.ts";
import type { RegistryLocation } from "./registry-url.ts";
import type { RegistryClientFactory } from "./secret-service-deps.ts";

/** Every answer a check gives; scripts depend on these strings. */
export const secretCheckCodes = [
  "ok",
  "E_AUTH",
  "E_FORBIDDEN",
  "E_NOT_FOUND",
  "E_RATE_LIMITED",
  "E_UNREACHABLE",
  "E_TLS",
  "E_PROTOCOL",
  "E_INVALID_REFERENCE",
  "E_REGISTRY_MISMATCH",
  "E_FORBIDDEN_TARGET",
] as const;

/** One of {@link secretCheckCodes}. */
export type SecretCheckCode = (typeof secretCheckCodes)[number];

/** A secret with its credential opened: what a check needs. */
export interface SecretToCheck {
  readonly name: string;
  readonly registry: RegistryLocation;
  /** The registry is served over plain HTTP. */
  readonly insecure: boolean;
  readonly credential: RegistryCredential;
}

/** How to check. */
export interface CheckSecretOptions {
  /** For an index, also HEAD every manifest it lists. */
  readonly allPlatforms?: boolean;
  /** Defaults to createRegistryClient. */
  readonly createClient?: RegistryClientFactory;
  /** Per-request idle limit; default 15 000 ms. */
  readonly timeoutMs?: number;
}

/** The answer: a stable code, one line of explanation, and what was found. */
export interface SecretCheckResult {
  readonly code: SecretCheckCode;
  /** One line, never holding the password. */
  readonly message: string;
  /** The image as checked (`docker.io/library/alpine:latest`), or the text given when it did not parse. */
  readonly image: string;
  /** The manifest digest the reference resolves to, when `ok`. */
  readonly digest?: string;
  /** Manifests HEADed besides the top one (platform manifests of an index), with `allPlatforms`. */
  readonly platformsChecked?: number;
  /** Set with E_RATE_LIMITED when the registry said when to come back. */
  readonly retryAfterSeconds?: number;
}

/**
 * Checks that `secret` can pull `imageText` (parsed by parseReference,
 * Docker Hub by default, `latest` when untagged). Codes: `ok`;
 * E_INVALID_REFERENCE (no request sent); E_REGISTRY_MISMATCH when the
 * image's registry is not the secret's — or, for a secret whose registry
 * URL has a path, the repository is outside it (no request sent); else the
 * registry client's failure kinds: unauthorized → E_AUTH, forbidden →
 * E_FORBIDDEN, not-found → E_NOT_FOUND, rate-limited → E_RATE_LIMITED,
 * unreachable → E_UNREACHABLE, tls → E_TLS, protocol → E_PROTOCOL,
 * forbidden-target → E_FORBIDDEN_TARGET (the outbound guard refused the
 * registry's address or a redirect's: nothing was sent there, and the
 * message names the config key that would allow it).
 * Docker Hub is dialed as `registry-1.docker.io`; an insecure secret's
 * registry over `http://`. Never throws for registry trouble.
 */
export async function checkSecret(
  secret: SecretToCheck,
  imageText: string,
  options: CheckSecretOptions = {},
): Promise<SecretCheckResult> {
  const parsed = parseReference(imageText.trim());
  if (!parsed.ok) {
    return scrub(secret, { code: "E_INVALID_REFERENCE", message: parsed.error, image: imageText.slice(0, 300) });
  }
  const ref = withDefaultTag(parsed.reference);
  const image = referenceString(ref);
  if (!secretCoversImage(secret.registry, ref)) {
    return scrub(secret, { code: "E_REGISTRY_MISMATCH", message: registryMismatchMessage(secret, ref, image), image });
  }
  const client = clientFor(secret, ref, options);
  const head = await client.headManifest(ref);
  if (!head.ok) return failure(secret, image, head.failure);
  let platformsChecked: number | undefined;
  if (options.allPlatforms === true) {
    const checked = await checkPlatforms(client, secret, ref, image);
    if (typeof checked !== "number") return checked;
    platformsChecked = checked;
  }
  const platforms = platformsChecked === undefined ? "" : `, ${platformsChecked} platform manifests`;
  const message = `ok: ${image} can be pulled with secret ${secret.name} (${head.value.digest}${platforms})`;
  return {
    code: "ok",
    message,
    image,
    digest: head.value.digest,
    ...(platformsChecked !== undefined && { platformsChecked }),
  };
}

/** HEADs every manifest an index lists; the count, or the first failure. */
async function checkPlatforms(
  client: RegistryClient,
  secret: SecretToCheck,
  ref: ImageReference,
  image: string,
): Promise<number | SecretCheckResult> {
  const resolved = await client.resolvePlatforms(ref);
  if (!resolved.ok) return failure(secret, image, resolved.failure);
  if (!resolved.value.isIndex) return 0;
  for (const manifest of resolved.value.manifests) {
    const head = await client.headManifest({ domain: ref.domain, path: ref.path, digest: manifest.digest });
    const { os, architecture, variant } = manifest.platform ?? { os: "unknown", architecture: "unknown" };
    const platform = `${os}/${architecture}${variant === undefined ? "" : `/${variant}`}`;
    if (!head.ok) return failure(secret, `${image} (platform ${platform}, ${manifest.digest})`, head.failure);
  }
  return resolved.value.manifests.length;
}

function clientFor(secret: SecretToCheck, ref: ImageReference, options: CheckSecretOptions): RegistryClient {
  const dialed = registryHostForPulling(ref.domain);
  const credentials: RegistryCredentials =
    secret.credential.kind === "password"
      ? { username: secret.credential.username, password: secret.credential.password }
      : { identityToken: secret.credential.identityToken };
  const create = options.createClient ?? createRegistryClient;
  return create({
    credentials: (host) => (host === dialed ? credentials : undefined),
    insecure: (host) => secret.insecure && host === dialed,
    retries: 1,
    timeoutMs: options.timeoutMs ?? 15_000,
  });
}

function failure(secret: SecretToCheck, image: string, failed: RegistryFailure): SecretCheckResult {
  const { code, message } = checkFailureMessage(secret, image, failed);
  const retry = failed.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: failed.retryAfterSeconds };
  return scrub(secret, { code, message, image, ...retry });
}

/**
 * The result with its message on one line and the secret value (and its
 * base64 `auth` form) replaced — defence in depth, since the client never
 * includes it. Values under 4 characters are left: replacing them would
 * garble every message, and they are not worth guarding.
 */
function scrub(secret: SecretToCheck, result: SecretCheckResult): SecretCheckResult {
  const value = secret.credential.kind === "password" ? secret.credential.password : secret.credential.identityToken;
  return { ...result, message: redactCredential(result.message, secret.credential.username, value) };
}
