/**
 * @module
 * The shapes of the pull-secret and service routes, as zod schemas: request
 * bodies and queries (validated, then documented in OpenAPI) and the answers
 * (documented only). As in api-schemas.ts they bound sizes and types, a
 * little above each rule's own limit, so that the services — whose messages
 * name the broken rule — decide everything else. Passwords only ever travel
 * in request bodies; no answer schema has a field for one, except the
 * rendered text an owner asks for.
 */
import { z } from "zod";
import { secretCheckCodes } from "../../secrets/check-secret.ts";

const text = (max: number, what: string) => z.string().max(max).meta({ description: what });
const secretName = text(
  1024,
  "pull secret name: at most 253 lower-case letters, digits, '-' and '.', beginning and ending with a letter or digit",
);
const kind = z
  .enum(["docker-hub", "private-registry"])
  .meta({ description: "docker-hub (registry implied) or private-registry (registry required)" });
const registry = text(2048, "`host`, `host:port` or `https://host[:port][/path]`; `http://` only with insecure");
const username = text(1024, "the registry username (no ':')");
const password = text(16384, "the password or access token (at most 8 KiB); never returned");
const namespaces = z.array(text(1024, "a Kubernetes namespace")).min(1).max(50);
const port = z.union([
  z.number().meta({ description: "a TCP port" }),
  z.strictObject({
    port: z.number(),
    name: text(1024, "IANA service name, ≤ 15 characters").nullable().optional(),
    protocol: text(16, "TCP (default) or UDP").optional(),
  }),
]);
const serviceFields = {
  image: text(2048, "image reference; Docker Hub when no registry is named, `latest` when no tag"),
  secretName: secretName.nullable().optional().meta({ description: "pull secret of the organization; null for none" }),
  replicas: z.number().optional().meta({ description: "0-1000; default 1" }),
  ports: z.array(port).max(1000).optional(),
  env: z.record(text(1024, "variable name"), text(262144, "value")).optional(),
  command: z.array(text(262144, "argument")).max(1000).optional().meta({ description: "overrides the entrypoint" }),
};

/** Request bodies and queries of the secret and service routes. */
export const deploySchemas = {
  newSecret: z.strictObject({
    name: secretName,
    kind,
    registry: registry.optional(),
    insecure: z.boolean().optional().meta({ description: "the registry serves plain HTTP (private registries)" }),
    username,
    password,
    email: text(1024, "optional e-mail").optional(),
  }),
  secretChange: z.strictObject({
    username: username.optional(),
    password: password.optional(),
    email: text(1024, "e-mail; null or empty removes it").nullable().optional(),
    kind: kind.optional(),
    registry: registry.optional(),
    insecure: z.boolean().optional(),
  }),
  rename: z.strictObject({ name: secretName }),
  importConfig: z.strictObject({
    config: text(512 * 1024, "the text of a Docker client's config.json"),
  }),
  render: z.strictObject({
    names: z.array(secretName).min(1).max(50).meta({ description: "secrets to render; several are merged" }),
    format: z.enum(["dockerconfigjson", "kubernetes"]),
    namespaces: namespaces.optional().meta({ description: "kubernetes: one Secret per namespace; default [default]" }),
    kubernetesName: text(1024, "kubernetes: the Secret's name; default the only secret's").optional(),
  }),
  check: z.strictObject({
    image: text(2048, "the image to pull, e.g. registry.example.com/team/app:1.0"),
    allPlatforms: z.boolean().optional().meta({ description: "for an index, also check every platform manifest" }),
  }),
  newService: z.strictObject({ name: text(1024, "service name: an RFC 1035 label, ≤ 63"), ...serviceFields }),
  serviceChange: z.strictObject({ ...serviceFields, image: serviceFields.image.optional() }),
  renderService: z.strictObject({
    namespace: text(1024, "namespace of every object; default `default`").optional(),
    includeSecret: z
      .enum(["true", "false"])
      .optional()
      .meta({ description: "render the pull Secret too (owners and admins); default true when the service has one" }),
  }),
};

const secretView = z.looseObject({
  name: z.string(),
  kind,
  registry: z.string(),
  registryKey: z.string().meta({ description: "the .dockerconfigjson auths key" }),
  insecure: z.boolean(),
  credential: z.enum(["password", "identity-token"]),
  username: z.string(),
  email: z.string().nullable(),
  keyVersion: z.number().meta({ description: "master-key version the password is encrypted under" }),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const serviceView = z.looseObject({
  name: z.string(),
  image: z.string().meta({ description: "normalized, e.g. docker.io/library/nginx:1.27" }),
  secretName: z.string().nullable(),
  replicas: z.number(),
  ports: z.array(z.object({ port: z.number(), name: z.string().nullable(), protocol: z.enum(["TCP", "UDP"]) })),
  env: z.record(z.string(), z.string()),
  command: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** The answers of the secret and service routes (documentation only). */
export const deployAnswers = {
  secret: secretView,
  secrets: z.looseObject({ secrets: z.array(secretView) }),
  imported: z.looseObject({
    created: z.array(secretView),
    notes: z.array(z.string()).meta({ description: "entries not imported (credential helpers…) and renames" }),
  }),
  rendered: z.looseObject({
    format: z.enum(["dockerconfigjson", "kubernetes"]),
    text: z.string().meta({ description: "the .dockerconfigjson JSON, or YAML Secrets; holds the passwords" }),
  }),
  check: z.looseObject({
    code: z.enum(secretCheckCodes).meta({ description: "the answer; HTTP status is 200 whatever it is" }),
    message: z.string(),
    image: z.string(),
    digest: z.string().optional(),
    platformsChecked: z.number().optional(),
    retryAfterSeconds: z.number().optional(),
  }),
  rotation: z.looseObject({
    source: z.enum(["file", "environment"]),
    addedVersion: z.number().nullable(),
    keyVersion: z.number(),
    reencrypted: z.number(),
    changedMeanwhile: z.number(),
    failed: z.array(z.looseObject({ orgId: z.number(), secret: z.string(), reason: z.string() })),
  }),
  service: serviceView,
  services: z.looseObject({ services: z.array(serviceView) }),
  serviceYaml: z.looseObject({
    yaml: z.string().meta({ description: "multi-document YAML: Secret (when included), Deployment, Service" }),
  }),
};
