/**
 * @module
 * Rendering a pull secret as the Kubernetes object `imagePullSecrets` refers
 * to: a `Secret` of type `kubernetes.io/dockerconfigjson`. An application is
 * often installed across several namespaces and a pull secret only works in
 * its own, so one call renders a copy per namespace as multi-document YAML,
 * ready for `kubectl apply -f`.
 */
import { stringify } from "yaml";
import { validateNamespaceName } from "./namespace-name.ts";
import { validateSecretName } from "./secret-name.ts";
import { SecretsError } from "./secrets-error.ts";

/**
 * YAML for a `Secret` named `name` in each of `namespaces` (a string is one
 * namespace; duplicates are rendered once, in first-seen order), holding
 * `dockerConfigJson` base64-encoded under `data[".dockerconfigjson"]`.
 * Several namespaces give documents separated by `---`. Throws SecretsError
 * `invalid-input` when the name or a namespace is invalid, no namespace is
 * given, or `dockerConfigJson` is not a JSON object with an `auths` object.
 */
export function renderKubernetesSecret(
  name: string,
  namespaces: string | readonly string[],
  dockerConfigJson: string,
): string {
  const list = [...new Set(typeof namespaces === "string" ? [namespaces] : namespaces)];
  const problems = [validateSecretName(name), ...list.map(validateNamespaceName)];
  if (list.length === 0) problems.push('no namespace is given: give at least one, such as "default"');
  const problem = problems.find((p) => p !== undefined);
  if (problem !== undefined) throw new SecretsError("invalid-input", problem);
  checkDockerConfigJson(dockerConfigJson);
  const data = Buffer.from(dockerConfigJson, "utf8").toString("base64");
  const documents = list.map((namespace) =>
    stringify(
      {
        apiVersion: "v1",
        kind: "Secret",
        type: "kubernetes.io/dockerconfigjson",
        metadata: { name, namespace },
        data: { ".dockerconfigjson": data },
      },
      { lineWidth: 0 },
    ),
  );
  return documents.join("---\n");
}

function checkDockerConfigJson(text: string): void {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const auths = (json as { auths?: unknown } | undefined)?.auths;
  if (typeof auths !== "object" || auths === null || Array.isArray(auths)) {
    throw new SecretsError(
      "invalid-input",
      'the .dockerconfigjson to render is not a JSON object with an "auths" object: render it with renderDockerConfigJson',
    );
  }
}
