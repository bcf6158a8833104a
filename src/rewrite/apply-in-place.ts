/**
 * @module
 * A plan applied to the documents themselves — what Helm's post-renderer
 * protocol needs (rendered manifests in on stdin, rewritten ones out on
 * stdout). Only image fields and `imagePullSecrets` change; comments and
 * every other field stay as they were.
 */
import { isSeq } from "yaml";
import type { ResourceSite } from "./image-uses.ts";
import type { ManifestFile } from "./manifest-input.ts";
import type { ObjectPath } from "./pod-specs.ts";
import type { RewritePlan } from "./rewrite-plan.ts";

/**
 * Applies `plan` to `files` (edits their YAML documents) and returns the
 * documents as one multi-document stream, followed by `extraYaml` (the
 * pull Secrets) when given.
 */
export function applyInPlace(plan: RewritePlan, files: readonly ManifestFile[], extraYaml?: string): string {
  const docOf = (site: ResourceSite) => files.find((f) => f.file === site.file)?.yaml[site.document];
  const prefix = (site: ResourceSite): ObjectPath => (site.item === undefined ? [] : ["items", site.item]);
  for (const edit of plan.edits) {
    const { podSpec, field, index } = edit.use;
    docOf(edit.use)?.setIn([...prefix(edit.use), ...podSpec, field, index, "image"], edit.image);
  }
  for (const site of plan.secretSites) {
    const doc = docOf(site);
    const path = [...prefix(site), ...site.podSpec, "imagePullSecrets"];
    if (doc === undefined || plan.secretName === undefined) continue;
    const entry = doc.createNode({ name: plan.secretName });
    if (isSeq(doc.getIn(path, true))) doc.addIn(path, entry);
    else doc.setIn(path, doc.createNode([{ name: plan.secretName }]));
  }
  const texts = files.flatMap((file) => file.yaml.filter((doc) => doc.contents !== null).map((doc) => String(doc)));
  if (extraYaml !== undefined && extraYaml.trim() !== "") texts.push(extraYaml);
  return texts.map((text) => (text.startsWith("---") ? text : `---\n${text}`)).join("");
}
