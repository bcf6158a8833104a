/**
 * @module
 * Rendering a service as Kubernetes YAML: the objects and fields it must
 * hold, what is left out when empty, and — the real test — that Debian's
 * `kubectl kustomize` accepts the output as a resource and keeps
 * `imagePullSecrets`, the pull Secret and the Service.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { parseAllDocuments } from "yaml";
import { skipOption } from "../../test/support/skip-missing-tool.ts";
import { isDomainError } from "../errors/domain-error.ts";
import { renderDockerConfigJson } from "../secrets/render-docker-config.ts";
import { renderService } from "./render-service.ts";
import { parseServiceDefinition } from "./service-definition.ts";

const run = promisify(execFile);
const kubectl = "/usr/bin/kubectl";
const kubectlMissing = skipOption(
  existsSync(kubectl) ? undefined : `${kubectl} is not installed (apt-get install kubectl)`,
);

const api = parseServiceDefinition({
  name: "api",
  image: "quay.io/acme/api:2.1",
  secretName: "quay-io",
  replicas: 3,
  ports: [{ port: 8080, name: "http" }, 9090, { port: 53, protocol: "UDP" }],
  env: { MODE: "production", QUOTE: 'say "hi": yes', EMPTY: "" },
  command: ["/api", "--listen", ":8080"],
});
const config = renderDockerConfigJson([
  { kind: "password", registryKey: "quay.io", username: "acme+ci", password: "pw" },
]);

/** The YAML documents as plain values (untyped: the tests read Kubernetes fields by name). */
function documents(yaml: string) {
  return parseAllDocuments(yaml).map((doc) => doc.toJS());
}

describe("renderService", () => {
  it("renders the Secret, a Deployment that pulls with it, and a ClusterIP Service", () => {
    const [secret, deployment, service] = documents(
      renderService(api, { namespace: "shop", secretDockerConfigJson: config }),
    );
    assert.deepEqual(
      [secret!.kind, secret!.type, secret!.metadata],
      ["Secret", "kubernetes.io/dockerconfigjson", { name: "quay-io", namespace: "shop" }],
    );
    assert.equal(Buffer.from(secret!.data[".dockerconfigjson"], "base64").toString(), config);
    assert.deepEqual(
      [deployment!.apiVersion, deployment!.kind, deployment!.metadata.namespace],
      ["apps/v1", "Deployment", "shop"],
    );
    assert.deepEqual(deployment!.spec.selector.matchLabels, { "app.kubernetes.io/name": "api" });
    const pod = deployment!.spec.template;
    assert.deepEqual(pod.metadata.labels, { "app.kubernetes.io/name": "api" });
    assert.deepEqual(pod.spec.imagePullSecrets, [{ name: "quay-io" }]);
    assert.deepEqual(pod.spec.containers, [
      {
        name: "api",
        image: "quay.io/acme/api:2.1",
        command: ["/api", "--listen", ":8080"],
        ports: [
          { name: "http", containerPort: 8080, protocol: "TCP" },
          { name: "tcp-9090", containerPort: 9090, protocol: "TCP" },
          { name: "udp-53", containerPort: 53, protocol: "UDP" },
        ],
        env: [
          { name: "MODE", value: "production" },
          { name: "QUOTE", value: 'say "hi": yes' },
          { name: "EMPTY", value: "" },
        ],
      },
    ]);
    assert.equal(deployment!.spec.replicas, 3);
    assert.deepEqual([service!.apiVersion, service!.kind, service!.spec.type], ["v1", "Service", "ClusterIP"]);
    assert.deepEqual(service!.spec.ports[1], { name: "tcp-9090", port: 9090, targetPort: 9090, protocol: "TCP" });
    assert.deepEqual(service!.spec.selector, { "app.kubernetes.io/name": "api" });
  });

  it("leaves out what is empty: no secret, no ports, no env, no command", () => {
    const plain = parseServiceDefinition({ name: "worker", image: "busybox", replicas: 0 });
    const rendered = documents(renderService(plain));
    assert.equal(rendered.length, 1);
    const pod = rendered[0]!.spec.template.spec;
    assert.deepEqual(pod, { containers: [{ name: "worker", image: "docker.io/library/busybox:latest" }] });
    assert.equal(rendered[0]!.metadata.namespace, "default");
    assert.equal(rendered[0]!.spec.replicas, 0);
    const withoutSecretObject = documents(renderService(api));
    assert.deepEqual(
      withoutSecretObject.map((doc) => doc.kind),
      ["Deployment", "Service"],
    );
    assert.deepEqual(withoutSecretObject[0]!.spec.template.spec.imagePullSecrets, [{ name: "quay-io" }]);
  });

  it("refuses a bad namespace, and a config for a service without a secret", () => {
    assert.throws(
      () => renderService(api, { namespace: "Shop" }),
      (e) => isDomainError(e, "invalid-input") && /namespace/.test(e.message),
    );
    const plain = parseServiceDefinition({ name: "worker", image: "busybox" });
    assert.throws(
      () => renderService(plain, { secretDockerConfigJson: config }),
      (e) => isDomainError(e, "invalid-input") && /no pull secret/.test(e.message),
    );
  });

  it("is accepted by kubectl kustomize, which keeps imagePullSecrets", { skip: kubectlMissing }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "wharf-kustomize-"));
    try {
      await writeFile(join(dir, "api.yaml"), renderService(api, { namespace: "shop", secretDockerConfigJson: config }));
      await writeFile(
        join(dir, "kustomization.yaml"),
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- api.yaml\n",
      );
      const { stdout } = await run(kubectl, ["kustomize", dir]);
      const built = documents(stdout);
      assert.deepEqual(built.map((doc) => doc.kind).sort(), ["Deployment", "Secret", "Service"]);
      const deployment = built.find((doc) => doc.kind === "Deployment")!;
      assert.deepEqual(deployment.spec.template.spec.imagePullSecrets, [{ name: "quay-io" }]);
      assert.equal(deployment.spec.template.spec.containers[0].image, "quay.io/acme/api:2.1");
      assert.equal(
        built.find((doc) => doc.kind === "Secret")!.data[".dockerconfigjson"],
        Buffer.from(config).toString("base64"),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
