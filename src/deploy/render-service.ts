/**
 * @module
 * A service as ready-to-apply Kubernetes YAML: the pull `Secret` (when its
 * `.dockerconfigjson` is given), an `apps/v1` Deployment whose pods name the
 * secret in `imagePullSecrets`, and a ClusterIP `Service` for its ports. The
 * Secret comes first so that `kubectl apply -f` creates it before the pods
 * that need it try to pull. Everything a user typed is data in the YAML
 * (the `yaml` package quotes it), never text spliced into it.
 */
import { stringify } from "yaml";
import { validateNamespaceName } from "../secrets/namespace-name.ts";
import { renderKubernetesSecret } from "../secrets/render-kubernetes-secret.ts";
import { DeployError } from "./deploy-error.ts";
import type { ServiceDefinition } from "./service-definition.ts";
import { servicePortName } from "./service-ports.ts";

/** Where and with what to render. */
export interface RenderServiceOptions {
  /** The namespace of every object; default `default`. */
  readonly namespace?: string;
  /** The `.dockerconfigjson` of the service's pull secret, to render the `Secret` too (leave out when it exists in the cluster). */
  readonly secretDockerConfigJson?: string;
}

/** The label every object carries and the Deployment selects its pods by. */
export const serviceNameLabel = "app.kubernetes.io/name";

/**
 * Multi-document YAML (`---` between documents) for `service`: the Secret
 * (type `kubernetes.io/dockerconfigjson`, named as the pull secret) when
 * `secretDockerConfigJson` is given; the Deployment (replicas, one container
 * named as the service with its image, `command`, ports and `env` — each
 * left out when empty — and `imagePullSecrets` when the service has a
 * secret); the Service when it has ports (ClusterIP, each port named as
 * servicePortName, `targetPort` the same number). Throws DeployError
 * `invalid-input` for an invalid namespace, or a config given for a service
 * without a pull secret.
 */
export function renderService(service: ServiceDefinition, options: RenderServiceOptions = {}): string {
  const namespace = options.namespace ?? "default";
  const problem = validateNamespaceName(namespace);
  if (problem !== undefined) throw new DeployError("invalid-input", problem);
  const documents: string[] = [];
  if (options.secretDockerConfigJson !== undefined) {
    if (service.secretName === null) {
      throw new DeployError("invalid-input", `service ${service.name} has no pull secret to render`);
    }
    documents.push(renderKubernetesSecret(service.secretName, namespace, options.secretDockerConfigJson));
  }
  documents.push(yaml(deployment(service, namespace)));
  if (service.ports.length > 0) documents.push(yaml(kubernetesService(service, namespace)));
  return documents.join("---\n");
}

function deployment(service: ServiceDefinition, namespace: string) {
  const labels = { [serviceNameLabel]: service.name };
  const env = Object.entries(service.env).map(([name, value]) => ({ name, value }));
  const container = {
    name: service.name,
    image: service.image,
    ...(service.command.length > 0 && { command: service.command }),
    ...(service.ports.length > 0 && {
      ports: service.ports.map((p) => ({ name: servicePortName(p), containerPort: p.port, protocol: p.protocol })),
    }),
    ...(env.length > 0 && { env }),
  };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: service.name, namespace, labels: { ...labels, "app.kubernetes.io/managed-by": "wharf" } },
    spec: {
      replicas: service.replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          ...(service.secretName !== null && { imagePullSecrets: [{ name: service.secretName }] }),
          containers: [container],
        },
      },
    },
  };
}

function kubernetesService(service: ServiceDefinition, namespace: string) {
  const labels = { [serviceNameLabel]: service.name };
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: service.name, namespace, labels: { ...labels, "app.kubernetes.io/managed-by": "wharf" } },
    spec: {
      type: "ClusterIP",
      selector: labels,
      ports: service.ports.map((p) => ({
        name: servicePortName(p),
        port: p.port,
        targetPort: p.port,
        protocol: p.protocol,
      })),
    },
  };
}

function yaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
}
