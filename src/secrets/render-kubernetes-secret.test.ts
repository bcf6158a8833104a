/**
 * @module
 * Tests of rendering a pull secret as Kubernetes YAML: the exact single
 * document, one document per namespace, and the refusals.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseAllDocuments } from "yaml";
import { isDomainError } from "../errors/domain-error.ts";
import { renderDockerConfigJson } from "./render-docker-config.ts";
import { renderKubernetesSecret } from "./render-kubernetes-secret.ts";

const config = renderDockerConfigJson([
  { kind: "password", registryKey: "quay.io", username: "acme+robot", password: "x".repeat(200) },
]);
const data = Buffer.from(config).toString("base64");

function refuses(run: () => unknown, part: string): void {
  assert.throws(run, (error) => isDomainError(error, "invalid-input") && error.message.includes(part));
}

describe("renderKubernetesSecret", () => {
  test("renders one Secret of type kubernetes.io/dockerconfigjson", () => {
    assert.equal(
      renderKubernetesSecret("quay-io", "default", config),
      [
        "apiVersion: v1",
        "kind: Secret",
        "type: kubernetes.io/dockerconfigjson",
        "metadata:",
        "  name: quay-io",
        "  namespace: default",
        "data:",
        `  .dockerconfigjson: ${data}`,
        "",
      ].join("\n"),
    );
  });

  test("renders one document per namespace, once each", () => {
    const text = renderKubernetesSecret("quay-io", ["app", "jobs", "app"], config);
    const documents = parseAllDocuments(text).map((doc) => doc.toJS());
    assert.deepEqual(
      documents.map((doc) => doc.metadata.namespace),
      ["app", "jobs"],
    );
    for (const doc of documents) {
      assert.equal(doc.metadata.name, "quay-io");
      assert.equal(Buffer.from(doc.data[".dockerconfigjson"], "base64").toString(), config);
    }
  });

  test("refuses bad names, namespaces and content", () => {
    refuses(() => renderKubernetesSecret("Quay", "default", config), "secret name");
    refuses(() => renderKubernetesSecret("quay-io", "my.ns", config), 'namespace "my.ns" is invalid');
    refuses(() => renderKubernetesSecret("quay-io", ["ok", "n".repeat(64)], config), "at most 63");
    refuses(() => renderKubernetesSecret("quay-io", [], config), "no namespace is given");
    refuses(() => renderKubernetesSecret("quay-io", "default", "not json"), '"auths" object');
    refuses(() => renderKubernetesSecret("quay-io", "default", '{"auths":[]}'), '"auths" object');
  });
});
