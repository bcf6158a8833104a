/**
 * @module
 * A plan rendered as a kustomize overlay: a `kustomization.yaml` whose
 * `images:` entries rename every spelling of each rewritten image (tags and
 * digests kept by kustomize), JSON 6902 patches that add the pull secret to
 * every PodSpec (existing secrets kept) and that set images kustomize's
 * images transformer does not reach (ephemeral containers; a name pinned to
 * different digests), and the license's pull Secret. `kubectl kustomize
 * <out-dir>` (or `kubectl apply -k`) renders the result.
 */
import { posix } from "node:path";
import { stringify } from "yaml";
import { parseReference } from "../reference/parse-reference.ts";
import { nameSpellings, writtenName } from "./image-names.ts";
import type { ImageUse, ResourceSite } from "./image-uses.ts";
import { jsonPointer } from "./json-pointer.ts";
import type { ManifestFile } from "./manifest-input.ts";
import type { ImageEdit, RewritePlan } from "./rewrite-plan.ts";

/** Where the manifests come from, seen from the output folder. */
export type OverlayBase =
  /** A kustomize root: referenced as it is (path relative to the output folder). */
  | { readonly kind: "kustomization"; readonly path: string }
  /** Plain files: copied under `base/` with a generated kustomization. */
  | { readonly kind: "files"; readonly files: readonly ManifestFile[] };

/** A JSON 6902 operation. */
interface PatchOperation {
  readonly op: "add" | "replace";
  readonly path: string;
  readonly value: unknown;
}

/**
 * The files of the overlay, keyed by path relative to the output folder:
 * `kustomization.yaml`, `pull-secret.yaml` when `secretYaml` is given, and
 * `base/…` for a `files` base.
 */
export function renderOverlay(
  plan: RewritePlan,
  uses: readonly ImageUse[],
  base: OverlayBase,
  secretYaml?: string,
): Map<string, string> {
  const usesByName = new Map<string, number>();
  for (const use of uses) usesByName.set(writtenName(use.image), (usesByName.get(writtenName(use.image)) ?? 0) + 1);
  const files = new Map<string, string>();
  const resources: string[] = [];
  if (base.kind === "kustomization") resources.push(base.path);
  else {
    const kept = base.files.filter((f) => f.documents.some((d) => d.value !== null && d.value !== undefined));
    for (const file of kept) files.set(posix.join("base", toPosix(file.file)), file.text);
    files.set("base/kustomization.yaml", stringify({ resources: kept.map((f) => toPosix(f.file)) }));
    resources.push("base");
  }
  if (secretYaml !== undefined) {
    files.set("pull-secret.yaml", secretYaml);
    resources.push("pull-secret.yaml");
  }
  const { images, patched } = imageEntries(plan.edits, usesByName);
  const patches = patchesFor(plan, patched);
  const kustomization = {
    apiVersion: "kustomize.config.k8s.io/v1beta1",
    kind: "Kustomization",
    resources,
    ...(images.length > 0 && { images }),
    ...(patches.length > 0 && { patches }),
  };
  files.set(
    "kustomization.yaml",
    `# Written by wharf rewrite. Render with: kubectl kustomize .\n${stringify(kustomization, { lineWidth: 0 })}`,
  );
  return files;
}

/**
 * `images:` entries, one per spelling of each rewritten name, when every use
 * of that spelling is reachable by kustomize's images transformer and maps
 * the same way (new name, tag and digest kept; or one pinned digest).
 * Other edits are returned as `patched`, to be written as patches.
 */
function imageEntries(
  edits: readonly ImageEdit[],
  usesByName: ReadonlyMap<string, number>,
): { images: object[]; patched: ImageEdit[] } {
  const byName = new Map<string, ImageEdit[]>();
  for (const edit of edits) {
    const name = writtenName(edit.use.image);
    byName.set(name, [...(byName.get(name) ?? []), edit]);
  }
  const images: object[] = [];
  const named = new Set<string>();
  const patched: ImageEdit[] = [];
  for (const [name, group] of byName) {
    const entry = group.length === usesByName.get(name) ? entryFor(name, group) : undefined;
    if (entry === undefined) patched.push(...group);
    else {
      for (const spelling of spellingsOf(name, usesByName)) {
        if (named.has(spelling)) continue;
        named.add(spelling);
        images.push({ name: spelling, ...entry });
      }
      patched.push(...group.filter((e) => !reachedByImagesTransformer(e.use)));
    }
  }
  return { images, patched };
}

/** Places kustomize's `images:` transformer rewrites (kustomize 5): containers and init containers of standard PodSpec paths. */
const transformerPaths = new Set(["spec", "spec/template/spec", "spec/jobTemplate/spec/template/spec"]);

function reachedByImagesTransformer(use: ImageUse): boolean {
  return use.field !== "ephemeralContainers" && transformerPaths.has(use.podSpec.join("/"));
}

function entryFor(name: string, group: readonly ImageEdit[]): { newName: string; digest?: string } | undefined {
  const newNames = new Set(group.map((e) => e.name));
  if (newNames.size !== 1) return undefined;
  const newName = group[0]!.name;
  const keepsRest = group.every((e) => e.image === newName + e.use.image.slice(name.length));
  if (keepsRest) return newName === name ? undefined : { newName };
  const digests = new Set(group.map((e) => e.image.split("@")[1]));
  const pinned = group.every((e) => !e.use.image.includes("@") && e.image.includes("@"));
  return pinned && digests.size === 1 ? { newName, digest: [...digests][0]! } : undefined;
}

/** The spelling itself plus Docker's other spellings of it that no manifest uses (those have entries of their own). */
function spellingsOf(name: string, usesByName: ReadonlyMap<string, number>): string[] {
  const parsed = parseReference(name);
  const others = parsed.ok ? nameSpellings(parsed.reference).filter((s) => !usesByName.has(s)) : [];
  return [name, ...others.filter((s) => s !== name)];
}

function patchesFor(plan: RewritePlan, patched: readonly ImageEdit[]): object[] {
  const bySite = new Map<string, { site: ResourceSite; ops: PatchOperation[] }>();
  const opsFor = (site: ResourceSite) => {
    const key = `${site.file}\0${site.document}\0${site.item ?? ""}`;
    let entry = bySite.get(key);
    if (entry === undefined) {
      entry = { site, ops: [] };
      bySite.set(key, entry);
    }
    return entry.ops;
  };
  for (const edit of patched) {
    const { podSpec, field, index } = edit.use;
    opsFor(edit.use).push({ op: "replace", path: jsonPointer([...podSpec, field, index, "image"]), value: edit.image });
  }
  for (const site of plan.secretSites) {
    const value = [...site.pullSecrets, ...[plan.secretName!]].map((name) => ({ name }));
    opsFor(site).push({ op: "add", path: jsonPointer([...site.podSpec, "imagePullSecrets"]), value });
  }
  return [...bySite.values()].map(({ site, ops }) => ({
    target: targetOf(site),
    patch: stringify(ops, { lineWidth: 0 }),
  }));
}

function targetOf(site: ResourceSite): object {
  const { apiVersion, kind, name, namespace } = site.resource;
  const slash = apiVersion.indexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  return { ...(group && { group }), version, kind, name, ...(namespace && { namespace }) };
}

function toPosix(path: string): string {
  return path.split(/[\\/]/).join("/");
}
