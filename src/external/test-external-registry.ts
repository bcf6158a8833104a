/**
 * @module
 * "Do these credentials work?", asked of an external registry before a
 * customer's pull through the proxy finds out. Without an image it logs in
 * (`GET /v2/`, answering the challenge as `docker login` does) and reads the
 * catalog's first page when the registry shares it; with an image (relative
 * to the registry and its prefix, or a full reference on its host) it reads
 * that manifest. The answer is one stable code and one line; the password
 * is never in it.
 */
import { parseReference } from "../reference/parse-reference.ts";
import { referenceString } from "../reference/reference-string.ts";
import { registryHostForPulling } from "../reference/registry-host-for-pulling.ts";
import { withDefaultTag } from "../reference/with-default-tag.ts";
import { createRegistryClient, type RegistryClient } from "../registry-client/create-registry-client.ts";
import type { RegistryFailure } from "../registry-client/registry-result.ts";
import { redactCredential } from "../secrets/check-outcome.ts";
import type { RegistryClientFactory } from "../secrets/secret-service-deps.ts";
import { type TestedRegistry, type TestStep, testFailureMessage } from "./external-test-messages.ts";

/** Every answer a test gives; the same strings as `wharf secret check`. */
export const externalTestCodes = [
  "ok",
  "E_AUTH",
  "E_FORBIDDEN",
  "E_NOT_FOUND",
  "E_RATE_LIMITED",
  "E_UNREACHABLE",
  "E_TLS",
  "E_PROTOCOL",
  "E_FORBIDDEN_TARGET",
  "E_INVALID_REFERENCE",
] as const;

/** One of {@link externalTestCodes}. */
export type ExternalTestCode = (typeof externalTestCodes)[number];

/** The answer. */
export interface ExternalTestResult {
  readonly code: ExternalTestCode;
  /** One line, never holding the password. */
  readonly message: string;
  /** The external registry's short name. */
  readonly registry: string;
  /** The image as checked (`quay.io/acme/api:1.0`), when one was given. */
  readonly image?: string;
  /** The manifest digest, when an image was checked and found. */
  readonly digest?: string;
  /** Repositories on the catalog's first page, when no image was given and the registry shares it. */
  readonly repositories?: number;
  readonly retryAfterSeconds?: number;
}

/** A registry with its credentials opened: what a test needs. */
export interface RegistryToTest {
  readonly name: string;
  readonly host: string;
  readonly prefix: string;
  readonly insecure: boolean;
  readonly credentials?: { readonly username: string; readonly password: string };
}

/** `image` as a full reference: as given when it starts with the host, else under host and prefix. */
function fullImage(registry: RegistryToTest, image: string): string {
  const text = image.trim();
  if (text.startsWith(`${registry.host}/`)) return text;
  return [registry.host, registry.prefix, text.replace(/^\/+/, "")].filter((part) => part !== "").join("/");
}

/** Tests `registry`; with `image`, that its manifest can be read. Never throws for registry trouble. */
export async function testExternalRegistry(
  registry: RegistryToTest,
  image: string | undefined,
  createClient: RegistryClientFactory = createRegistryClient,
): Promise<ExternalTestResult> {
  const tested: TestedRegistry = { ...registry, anonymous: registry.credentials === undefined };
  const scrub = (result: ExternalTestResult): ExternalTestResult => ({
    ...result,
    message: redactCredential(result.message, registry.credentials?.username ?? "", registry.credentials?.password),
  });
  const client = clientFor(registry, createClient);
  if (image === undefined) return scrub(await testLogin(client, registry, tested));
  const text = fullImage(registry, image);
  const parsed = parseReference(text);
  if (!parsed.ok) {
    return scrub({
      code: "E_INVALID_REFERENCE",
      message: parsed.error,
      registry: registry.name,
      image: text.slice(0, 300),
    });
  }
  const ref = withDefaultTag(parsed.reference);
  const full = referenceString(ref);
  const head = await client.headManifest(ref);
  if (!head.ok) return scrub(failure(tested, { step: "image", image: full }, head.failure, { image: full }));
  const message = `ok: ${full} can be pulled through external registry ${registry.name} (${head.value.digest})`;
  return scrub({ code: "ok", message, registry: registry.name, image: full, digest: head.value.digest });
}

async function testLogin(client: RegistryClient, registry: RegistryToTest, tested: TestedRegistry) {
  const base = await client.checkBase(registry.host);
  if (!base.ok) return failure(tested, { step: "login" }, base.failure, {});
  const who = registry.credentials === undefined ? "anonymously" : `as ${registry.credentials.username}`;
  const start = `ok: logged in to ${registry.host} ${who}`;
  const catalog = await client.readCatalog(registry.host);
  if (!catalog.ok) {
    const message = `${start}; the registry does not share its catalog, so give an image to check that it can be pulled`;
    return { code: "ok" as const, message, registry: registry.name };
  }
  const names = catalog.value.repositories;
  const count = `${names.length}${catalog.value.more ? "+" : ""}`;
  const under =
    registry.prefix === ""
      ? ""
      : `, ${names.filter((n) => n.startsWith(`${registry.prefix}/`)).length} under ${registry.prefix}/`;
  const message = `${start}; the catalog lists ${count} repositories${under}`;
  return { code: "ok" as const, message, registry: registry.name, repositories: names.length };
}

function failure(
  tested: TestedRegistry,
  step: TestStep,
  failed: RegistryFailure,
  extra: { image?: string },
): ExternalTestResult {
  const { code, message } = testFailureMessage(tested, step, failed);
  const retry = failed.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: failed.retryAfterSeconds };
  return { code, message, registry: tested.name, ...extra, ...retry };
}

function clientFor(registry: RegistryToTest, create: RegistryClientFactory): RegistryClient {
  const dialed = registryHostForPulling(registry.host);
  const credentials = registry.credentials;
  return create({
    credentials: (host) => (host === dialed ? credentials : undefined),
    insecure: (host) => registry.insecure && host === dialed,
    retries: 1,
    timeoutMs: 15_000,
  });
}
