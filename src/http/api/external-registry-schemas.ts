/**
 * @module
 * The shapes of the external-registry routes as zod schemas: request bodies
 * (validated, then documented in OpenAPI) and answers (documented only).
 * They bound sizes and types a little above each rule's own limit, so the
 * service — whose messages name the broken rule — decides everything else.
 * A password only ever travels in a request body; no answer has a field for one.
 */
import { z } from "zod";
import { externalTestCodes } from "../../external/test-external-registry.ts";

const text = (max: number, what: string) => z.string().max(max).meta({ description: what });
const shortName = text(256, "short name: a DNS label (lower-case letters, digits, '-'; 1-63), used in proxy paths");
const registry = text(
  2048,
  "`quay.io`, `index.docker.io`, `ghcr.io`, `<account>.dkr.ecr.<region>.amazonaws.com`, `host:port` or a URL, optionally with the path prefix (`quay.io/acme`); `http://` only with insecure",
);
const prefix = text(1024, "path prefix inside the registry (`acme`), if not written in registry");
const insecure = z.boolean().meta({ description: "the registry serves plain http" });
const username = text(1024, "the registry username (no ':'); absent with password for anonymous pulls");
const password = text(16384, "the password or access token (at most 8 KiB); never returned");

/** Request bodies of the external-registry routes. */
export const externalRegistrySchemas = {
  newRegistry: z.strictObject({
    name: shortName.optional().meta({ description: "default: the host with '.' as '-'; required when it has a port" }),
    registry,
    prefix: prefix.optional(),
    insecure: insecure.optional(),
    username: username.optional(),
    password: password.optional(),
  }),
  change: z.strictObject({
    name: shortName.optional().meta({ description: "a new short name" }),
    registry: registry.optional(),
    prefix: prefix.optional(),
    insecure: insecure.optional(),
    username: username.nullable().optional().meta({ description: "null removes the credentials (anonymous pulls)" }),
    password: password.optional(),
  }),
  test: z.strictObject({
    image: text(
      2048,
      "an image under the registry's prefix (`api:1.0`) or on its host; absent: log in and read the catalog",
    ).optional(),
  }),
};

const view = z.looseObject({
  name: z.string(),
  host: z.string().meta({ description: "host[:port] as configured; docker.io for Docker Hub" }),
  url: z.string().meta({ description: "where requests go, e.g. https://registry-1.docker.io" }),
  prefix: z.string(),
  insecure: z.boolean(),
  username: z.string().nullable(),
  keyVersion: z.number().nullable().meta({ description: "master-key version of the password; null without one" }),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** The answers of the external-registry routes (documentation only). */
export const externalRegistryAnswers = {
  registry: view,
  registries: z.looseObject({ registries: z.array(view) }),
  test: z.looseObject({
    code: z.enum(externalTestCodes).meta({ description: "the answer; HTTP status is 200 whatever it is" }),
    message: z.string(),
    registry: z.string(),
    image: z.string().optional(),
    digest: z.string().optional(),
    repositories: z.number().optional(),
    retryAfterSeconds: z.number().optional(),
  }),
};
