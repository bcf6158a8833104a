/**
 * @module
 * A service (the product's Deployments module): a name, an image, an
 * optional pull secret, replicas, ports, environment and command. The image
 * is written as users write it — `spaceuptech/basic-service` means Docker
 * Hub, `gcr.io/project/app:1.0` another registry — and stored in its full
 * normalized form (`docker.io/spaceuptech/basic-service:latest`), so what is
 * checked, stored and rendered is one unambiguous image. Every broken rule
 * is reported in one error.
 */

import type { ServiceSpec } from "../metadata/secrets-metadata.ts";
import { parseReference } from "../reference/parse-reference.ts";
import { referenceString } from "../reference/reference-string.ts";
import { withDefaultTag } from "../reference/with-default-tag.ts";
import { validateSecretName } from "../secrets/secret-name.ts";
import { DeployError } from "./deploy-error.ts";
import { commandProblems, environmentProblems, sizeProblem } from "./service-environment.ts";
import { validateServiceName } from "./service-name.ts";
import { normalizePorts, type ServicePortInput } from "./service-ports.ts";

/** A validated service: name, normalized image, secret name or null, replicas, ports, env, command. */
export type ServiceDefinition = ServiceSpec;

/** A service as given; only `name` and `image` are required. */
export interface ServiceInput {
  readonly name: string;
  /** An image reference; Docker Hub when it names no registry, `latest` when it has no tag or digest. */
  readonly image: string;
  /** A pull secret of the same organization; null or "" for none. */
  readonly secretName?: string | null;
  /** 0–1000; default 1. */
  readonly replicas?: number;
  readonly ports?: readonly ServicePortInput[];
  readonly env?: Readonly<Record<string, string>>;
  /** Overrides the image's entrypoint; empty keeps it. */
  readonly command?: readonly string[];
}

/** The most replicas a service may ask for. */
export const maxReplicas = 1000;

/**
 * Validates and normalizes `input`. Throws DeployError `invalid-input`
 * listing every problem ("; "-separated): the name rule (validateServiceName),
 * the image (parseReference's message), the secret-name rule, replicas not a
 * whole number in 0–1000, and the port, environment and command rules.
 * Whether the secret exists is the caller's check.
 */
export function parseServiceDefinition(input: ServiceInput): ServiceDefinition {
  const shape = shapeProblems(input);
  if (shape.length > 0) throw new DeployError("invalid-input", shape.join("; "));
  const problems: (string | undefined)[] = [validateServiceName(input.name)];
  const image = parseReference(input.image.trim());
  if (!image.ok) problems.push(image.error);
  const secretName = input.secretName === undefined || input.secretName === "" ? null : input.secretName;
  if (secretName !== null) problems.push(validateSecretName(secretName));
  const replicas = input.replicas ?? 1;
  if (!Number.isInteger(replicas) || replicas < 0 || replicas > maxReplicas) {
    problems.push(`replicas must be a whole number from 0 to ${maxReplicas} (got ${JSON.stringify(replicas)})`);
  }
  const ports = normalizePorts(input.ports ?? []);
  const env = { ...(input.env ?? {}) };
  const command = [...(input.command ?? [])];
  problems.push(...ports.problems, ...environmentProblems(env), ...commandProblems(command), sizeProblem(env, command));
  const found = problems.filter((problem) => problem !== undefined);
  if (found.length > 0 || !image.ok) throw new DeployError("invalid-input", found.join("; "));
  return {
    name: input.name,
    image: referenceString(withDefaultTag(image.reference)),
    secretName,
    replicas,
    ports: ports.ports,
    env,
    command,
  };
}

/** Fields of the wrong JSON type (an API body is not type-checked), before any rule is applied. */
function shapeProblems(input: ServiceInput): string[] {
  const problems: string[] = [];
  const { name, image, secretName, ports, env, command } = input as unknown as Record<string, unknown>;
  if (typeof name !== "string") problems.push("service name must be a string");
  if (typeof image !== "string") problems.push('image must be a string such as "nginx:1.27"');
  if (secretName !== undefined && secretName !== null && typeof secretName !== "string") {
    problems.push("secret name must be a string or null");
  }
  if (ports !== undefined && !Array.isArray(ports)) problems.push("ports must be a list");
  const isMap = typeof env === "object" && env !== null && !Array.isArray(env);
  if (env !== undefined && !isMap) problems.push("env must be an object of names to values");
  if (command !== undefined && !Array.isArray(command)) problems.push("command must be a list of strings");
  return problems;
}
