/**
 * @module
 * The mark phase for one repository, as pure functions: which manifests
 * are kept and which deleted ({@link planManifests}), then — over the
 * manifests still there after those deletes — which blob links no manifest
 * needs ({@link unneededLinks}). Links are judged against every manifest
 * still present, not only the kept ones, so a manifest whose delete was
 * refused at the last moment (a push referenced it) keeps its blobs.
 *
 * Kept: every tagged manifest; every manifest a release pins; every manifest a kept index lists; every
 * referrer (a manifest whose `subject` is kept); untagged manifests
 * referenced within `untaggedCutoff` (all of them when it is undefined); in a
 * cache repository (the pull-through proxy's `proxy/…` names) everything.
 * A manifest that does not parse any more keeps every link of the
 * repository (the collector errs on the side of keeping bytes).
 */
import type { GcLink, GcManifest, GcTag } from "../metadata/gc-metadata.ts";
import { requiredReferences } from "../oci/descriptor-references.ts";
import { parseManifest } from "../oci/parse-manifest.ts";

/** The inputs of {@link planManifests}. */
export interface PlanInput {
  readonly manifests: readonly GcManifest[];
  readonly tags: readonly GcTag[];
  /** Untagged manifests last referenced before this may go; undefined keeps them all. */
  readonly untaggedCutoff: number | undefined;
  /** Keep everything (a cache). */
  readonly keepAll: boolean;
  /** Manifests kept whatever their tags (pinned by a release). */
  readonly pinned?: ReadonlySet<string>;
}

function references(manifest: GcManifest): { blobs: readonly string[]; manifests: readonly string[] } | undefined {
  try {
    return requiredReferences(parseManifest(manifest.content, manifest.mediaType));
  } catch {
    return undefined;
  }
}

/** The untagged manifests to delete (each rechecked at delete time); see the module comment. */
export function planManifests(input: PlanInput): GcManifest[] {
  if (input.keepAll || input.untaggedCutoff === undefined) return [];
  const cutoff = input.untaggedCutoff;
  const byDigest = new Map(input.manifests.map((m) => [m.digest, m]));
  const referrers = new Map<string, GcManifest[]>();
  for (const m of input.manifests) {
    if (m.subjectDigest === undefined) continue;
    const list = referrers.get(m.subjectDigest) ?? [];
    list.push(m);
    referrers.set(m.subjectDigest, list);
  }
  const kept = new Set<string>();
  const queue: string[] = [];
  const keep = (digest: string) => {
    if (kept.has(digest) || !byDigest.has(digest)) return;
    kept.add(digest);
    queue.push(digest);
  };
  for (const tag of input.tags) keep(tag.digest);
  for (const digest of input.pinned ?? []) keep(digest);
  for (const m of input.manifests) if (m.lastReferencedAt >= cutoff) keep(m.digest);
  while (queue.length > 0) {
    const manifest = byDigest.get(queue.pop()!)!;
    const refs = references(manifest);
    if (!refs) return [];
    for (const child of refs.manifests) keep(child);
    for (const referrer of referrers.get(manifest.digest) ?? []) keep(referrer.digest);
  }
  return input.manifests.filter((m) => !kept.has(m.digest));
}

/**
 * Links of the repository that no manifest in `manifests` references and
 * that were last referenced before `cutoff`; none in a cache (`keepAll`).
 */
export function unneededLinks(
  manifests: readonly GcManifest[],
  links: readonly GcLink[],
  cutoff: number,
  keepAll: boolean,
): string[] {
  if (keepAll) return [];
  const needed = new Set<string>();
  for (const manifest of manifests) {
    const refs = references(manifest);
    if (!refs) return [];
    for (const blob of refs.blobs) needed.add(blob);
  }
  return links.filter((l) => !needed.has(l.digest) && l.lastReferencedAt < cutoff).map((l) => l.digest);
}
