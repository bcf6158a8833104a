/**
 * @module
 * Where images live in a Kubernetes object. Every workload kind embeds a
 * PodSpec at one of a few places, whatever its apiVersion (`apps/v1beta1`,
 * `extensions/v1beta1` and `batch/v1beta1` included), and so do custom
 * resources that carry a pod template. Matching by shape rather than by a
 * list of known apiVersions is what lets old and custom kinds be found.
 */

/** A path into a parsed YAML object: keys and list indexes. */
export type ObjectPath = readonly (string | number)[];

/** The container lists of a PodSpec that hold images. */
export const containerFields = ["containers", "initContainers", "ephemeralContainers"] as const;

/** One of {@link containerFields}. */
export type ContainerField = (typeof containerFields)[number];

/** Where PodSpecs sit in workloads: Deployment … Job (`spec.template.spec`) and CronJob. */
const templatePaths: readonly ObjectPath[] = [
  ["spec", "template", "spec"],
  ["spec", "jobTemplate", "spec", "template", "spec"],
];

/**
 * The paths of every PodSpec in `resource`: `spec` of a Pod, `template.spec`
 * of a PodTemplate, `spec.template.spec` and
 * `spec.jobTemplate.spec.template.spec` of any kind, plus each of
 * `extraPaths` (for custom resources that keep a PodSpec elsewhere). A path
 * counts only when it holds an object with a `containers` list, so a
 * resource with an unrelated `spec.template` is left alone. Duplicates are
 * reported once.
 */
export function findPodSpecs(resource: unknown, extraPaths: readonly ObjectPath[] = []): ObjectPath[] {
  if (!isRecord(resource)) return [];
  const candidates: ObjectPath[] = [...templatePaths, ...extraPaths];
  if (resource.kind === "Pod") candidates.unshift(["spec"]);
  if (resource.kind === "PodTemplate") candidates.unshift(["template", "spec"]);
  const seen = new Set<string>();
  return candidates.filter((path) => {
    const key = path.join("\0");
    if (seen.has(key) || !isPodSpec(valueAt(resource, path))) return false;
    seen.add(key);
    return true;
  });
}

/** Parses `spec.runner.podSpec` into a path; refuses empty segments. */
export function parseObjectPath(text: string): ObjectPath {
  const parts = text.split(".");
  if (parts.some((part) => part === "")) {
    throw new Error(
      `invalid pod spec path ${JSON.stringify(text)}: write dot-separated keys, as in spec.runner.template.spec`,
    );
  }
  return parts.map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** The value at `path` in `root`, or undefined when any step is missing. */
export function valueAt(root: unknown, path: ObjectPath): unknown {
  let current = root;
  for (const step of path) {
    if (typeof step === "number" ? !Array.isArray(current) : !isRecord(current)) return undefined;
    current = (current as Record<string | number, unknown>)[step];
  }
  return current;
}

/** True for a plain object (not null, not a list). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isPodSpec(value: unknown): boolean {
  return isRecord(value) && Array.isArray(value.containers);
}
