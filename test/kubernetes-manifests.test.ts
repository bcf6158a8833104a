/**
 * @module
 * The Kubernetes manifests in deploy/kubernetes, rendered with the real
 * `kubectl kustomize` (base and the s3-postgres overlay) and checked object
 * by object. There is no API server here, so the schema check is a
 * hand-written list of the fields each kind requires (taken from the
 * Kubernetes API reference for apps/v1, v1 and policy/v1, plus the
 * cross-references the API server would reject: selector ↔ pod labels,
 * volume mounts ↔ volumes, named probe ports ↔ container ports, env entries
 * with exactly one source). It is not the OpenAPI schema; it catches missing
 * or misspelt required fields and broken references. Then what the issue
 * asks of each deployment: probes, resources, non-root read-only root,
 * replicas, Secret references, and a configuration the server accepts.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { parseAllDocuments } from "yaml";
import { configSchema } from "../src/config/config-schema.ts";
import { environmentOverrides } from "../src/config/load-config.ts";
import { runOk } from "./support/run-command.ts";
import { repoRoot } from "./support/start-wharf.ts";

// biome-ignore lint/suspicious/noExplicitAny: rendered YAML is untyped; every access is checked by the assertions.
type Obj = any;

async function render(path: string): Promise<Obj[]> {
  const text = await runOk("kubectl", ["kustomize", join(repoRoot, "deploy", "kubernetes", path)]);
  return parseAllDocuments(text).map((doc) => doc.toJSON());
}

function at(object: Obj, path: string): unknown {
  return path.split(".").reduce<Obj>((node, key) => (node == null ? undefined : node[key]), object);
}

/** Required fields by kind (dotted paths), from the API reference. */
const requiredByKind: Record<string, readonly string[]> = {
  Service: ["spec.ports"],
  ConfigMap: [],
  PodDisruptionBudget: ["spec.selector.matchLabels"],
  StatefulSet: [
    "spec.selector.matchLabels",
    "spec.serviceName",
    "spec.template.metadata.labels",
    "spec.template.spec.containers",
  ],
  Deployment: ["spec.selector.matchLabels", "spec.template.metadata.labels", "spec.template.spec.containers"],
};
const apiVersionByKind: Record<string, string> = {
  Service: "v1",
  ConfigMap: "v1",
  PodDisruptionBudget: "policy/v1",
  StatefulSet: "apps/v1",
  Deployment: "apps/v1",
};

function checkContainer(where: string, container: Obj, volumeNames: Set<string>): void {
  for (const field of ["name", "image"]) assert.ok(container[field], `${where}: containers[].${field} is required`);
  const portNames = new Set((container.ports ?? []).map((port: Obj) => port.name));
  for (const port of container.ports ?? []) {
    assert.ok(Number.isInteger(port.containerPort), `${where}: ports[].containerPort is required`);
  }
  for (const env of container.env ?? []) {
    assert.match(env.name ?? "", /^[A-Za-z_][A-Za-z0-9_]*$/, `${where}: env[].name`);
    assert.ok("value" in env !== "valueFrom" in env, `${where}: env ${env.name} needs exactly one of value/valueFrom`);
    const ref = env.valueFrom?.secretKeyRef ?? env.valueFrom?.configMapKeyRef;
    if (env.valueFrom) assert.ok(ref?.name && ref?.key, `${where}: env ${env.name} reference needs name and key`);
  }
  for (const mount of container.volumeMounts ?? []) {
    assert.ok(mount.name && mount.mountPath, `${where}: volumeMounts[] needs name and mountPath`);
    assert.ok(volumeNames.has(mount.name), `${where}: volume mount ${mount.name} has no volume`);
  }
  for (const probe of ["readinessProbe", "livenessProbe"]) {
    const get = container[probe]?.httpGet;
    if (!get) continue;
    assert.ok(get.path && get.port, `${where}: ${probe}.httpGet needs path and port`);
    if (typeof get.port === "string") assert.ok(portNames.has(get.port), `${where}: ${probe} names port ${get.port}`);
  }
}

/** Validates one object against the hand-checked list; returns it. */
function validate(object: Obj): Obj {
  const where = `${object.kind}/${object.metadata?.name}`;
  assert.ok(object.kind in requiredByKind, `${where}: unexpected kind`);
  assert.equal(object.apiVersion, apiVersionByKind[object.kind], `${where}: apiVersion`);
  assert.match(object.metadata?.name ?? "", /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, `${where}: metadata.name`);
  for (const path of requiredByKind[object.kind]!) assert.ok(at(object, path) != null, `${where}: ${path} is required`);
  if (object.kind === "Service") {
    for (const port of object.spec.ports) assert.ok(Number.isInteger(port.port), `${where}: ports[].port`);
  }
  if (object.kind === "PodDisruptionBudget") {
    assert.ok("minAvailable" in object.spec !== "maxUnavailable" in object.spec, `${where}: one of min/max`);
  }
  if (object.kind === "StatefulSet" || object.kind === "Deployment") {
    const pod = object.spec.template;
    for (const [key, value] of Object.entries(object.spec.selector.matchLabels)) {
      assert.equal(pod.metadata.labels[key], value, `${where}: selector ${key} must match the pod labels`);
    }
    const volumes = new Set<string>([
      ...(pod.spec.volumes ?? []).map((volume: Obj) => volume.name),
      ...(object.spec.volumeClaimTemplates ?? []).map((claim: Obj) => claim.metadata.name),
    ]);
    for (const claim of object.spec.volumeClaimTemplates ?? []) {
      assert.ok(claim.spec?.accessModes?.length > 0, `${where}: claim accessModes`);
      assert.ok(claim.spec?.resources?.requests?.storage, `${where}: claim storage request`);
    }
    for (const container of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
      checkContainer(`${where} ${container.name}`, container, volumes);
    }
  }
  return object;
}

function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/** What the issue asks of the registry's workload, whichever kind it is. */
function checkWorkload(objects: Obj[], workload: Obj): Obj {
  const pod = workload.spec.template;
  const [wharf] = pod.spec.containers;
  assert.equal(pod.spec.securityContext.runAsNonRoot, true);
  assert.equal(wharf.securityContext.readOnlyRootFilesystem, true);
  assert.equal(wharf.securityContext.allowPrivilegeEscalation, false);
  assert.deepEqual(wharf.securityContext.capabilities.drop, ["ALL"]);
  assert.equal(wharf.readinessProbe.httpGet.path, "/readyz");
  assert.equal(wharf.livenessProbe.httpGet.path, "/healthz");
  assert.ok(wharf.resources.requests.cpu && wharf.resources.requests.memory);
  assert.equal(wharf.image, "localhost/wharf:0.1.0");
  const service = objects.find((o) => o.kind === "Service" && o.metadata.name === "wharf");
  assert.ok(selects(service.spec.selector, pod.metadata.labels), "the Service selects the pods");
  const pdb = objects.find((o) => o.kind === "PodDisruptionBudget");
  assert.ok(selects(pdb.spec.selector.matchLabels, pod.metadata.labels), "the PDB selects the pods");
  return wharf;
}

describe("deploy/kubernetes", () => {
  test("base: a StatefulSet with a volume claim, valid objects, a configuration the server accepts", async () => {
    const objects = (await render("base")).map(validate);
    assert.deepEqual(objects.map((o) => o.kind).sort(), ["PodDisruptionBudget", "Service", "Service", "StatefulSet"]);
    const set = objects.find((o) => o.kind === "StatefulSet");
    assert.equal(set.spec.replicas, 1);
    const wharf = checkWorkload(objects, set);
    assert.ok(wharf.volumeMounts.some((m: Obj) => m.name === "data" && m.mountPath === "/data"));
    assert.equal(set.spec.volumeClaimTemplates[0].metadata.name, "data");
    const env = Object.fromEntries(
      wharf.env.filter((e: Obj) => "value" in e).map((e: Obj) => [e.name, String(e.value)]),
    );
    const parsed = configSchema.safeParse(environmentOverrides(env));
    assert.ok(parsed.success, JSON.stringify(parsed.error?.issues));
    assert.equal(parsed.data?.dataDir, "/data");
  });

  test("s3-postgres overlay: a Deployment of 2+ replicas, Secrets for the database, S3 and master key", async () => {
    const objects = (await render(join("overlays", "s3-postgres"))).map(validate);
    assert.equal(objects.filter((o) => o.kind === "StatefulSet").length, 0);
    const deployment = objects.find((o) => o.kind === "Deployment");
    assert.ok(deployment.spec.replicas >= 2);
    const wharf = checkWorkload(objects, deployment);
    const env = new Map<string, Obj>(wharf.env.map((e: Obj) => [e.name, e]));
    assert.equal(env.get("WHARF_STORAGE__DRIVER").value, "s3");
    assert.equal(env.get("WHARF_DATABASE__DRIVER").value, "postgres");
    const secretOf = (name: string) => env.get(name)?.valueFrom?.secretKeyRef;
    assert.deepEqual(secretOf("WHARF_DATABASE__POSTGRES__URL"), { name: "wharf-database", key: "url" });
    assert.deepEqual(secretOf("WHARF_STORAGE__S3__ACCESS_KEY_ID"), {
      name: "wharf-s3-credentials",
      key: "accessKeyId",
    });
    assert.deepEqual(secretOf("WHARF_STORAGE__S3__SECRET_ACCESS_KEY"), {
      name: "wharf-s3-credentials",
      key: "secretAccessKey",
    });
    assert.deepEqual(secretOf("WHARF_MASTER_KEY"), { name: "wharf-master-key", key: "masterKey" });
    // The generated ConfigMap's hashed name is what the env references.
    const configMap = objects.find((o) => o.kind === "ConfigMap");
    assert.equal(env.get("WHARF_STORAGE__S3__BUCKET").valueFrom.configMapKeyRef.name, configMap.metadata.name);
    assert.ok(configMap.data.bucket);
    // Every replica gets the shared signing keys before the server starts.
    const [init] = deployment.spec.template.spec.initContainers;
    assert.ok(init.volumeMounts.some((m: Obj) => m.name === "signing-keys"));
    const keys = deployment.spec.template.spec.volumes.find((v: Obj) => v.name === "signing-keys");
    assert.equal(keys.secret.secretName, "wharf-signing-keys");
  });
});
