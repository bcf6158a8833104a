/**
 * @module
 * The kustomization a customer applies after pushing a bundle: `images:`
 * entries that rename every spelling of each image to its airgap name in
 * their registry — the rewriter's airgap mode, for a release's image list
 * instead of a folder of manifests.
 */
import { stringify } from "yaml";
import { parseReference } from "../reference/parse-reference.ts";
import { airgapName, nameSpellings } from "../rewrite/image-names.ts";

/** `kustomization.yaml` text with an `images:` entry per spelling of each of `references`. */
export function airgapOverlay(references: readonly string[], registry: string): string {
  const images: { name: string; newName: string }[] = [];
  const named = new Set<string>();
  for (const reference of references) {
    const parsed = parseReference(reference);
    if (!parsed.ok) continue;
    const newName = airgapName(parsed.reference, registry);
    for (const name of nameSpellings(parsed.reference)) {
      if (named.has(name)) continue;
      named.add(name);
      images.push({ name, newName });
    }
  }
  return stringify({ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", images }, { lineWidth: 0 });
}
