/**
 * @module
 * The rewriter as a library function: manifests in, a plan out. It finds
 * every image, probes each distinct one (proxy mode only; airgap mode never
 * probes), resolves digests for `--pin`, and plans the edits. Writing the
 * plan out — a kustomize overlay or rewritten documents — is the caller's.
 */
import type { ImageReference } from "../reference/image-reference.ts";
import { parseReference } from "../reference/parse-reference.ts";
import type { Classifier, ImageVerdict } from "./classify-image.ts";
import { proxyName } from "./image-names.ts";
import { findImageUses, type ImageInventory } from "./image-uses.ts";
import type { ManifestFile } from "./manifest-input.ts";
import type { ObjectPath } from "./pod-specs.ts";
import { type ReleaseSummary, releaseDriftWarnings } from "./release-drift.ts";
import { distinctImages, isVendorImage, type PlanOptions, planRewrite, type RewritePlan } from "./rewrite-plan.ts";

/** What to rewrite and how. */
export interface RewriteRequest extends PlanOptions {
  readonly files: readonly ManifestFile[];
  /** More places custom resources keep a PodSpec. */
  readonly podSpecPaths?: readonly ObjectPath[];
  /** Replace every tag by the digest it points at now (proxy mode). */
  readonly pin?: boolean;
}

/** The parts that reach registries. */
export interface RewriteDeps {
  /** Anonymous probe of an image (see createRegistryClassifier). */
  readonly classify: Classifier;
  /** The application's newest release the license may see, for `--pin`'s drift warnings; none when unknown. */
  readonly lastRelease?: () => Promise<ReleaseSummary | undefined>;
  /** The digest of an image on the Wharf host, read with the license (for `--pin`). */
  readonly resolveDigest?: (ref: ImageReference) => Promise<string | undefined>;
}

/** The outcome: what was found and what will change. */
export interface RewriteResult {
  readonly inventory: ImageInventory;
  readonly plan: RewritePlan;
}

/** Finds, probes and plans. Throws RewriteError `usage` for a registry port without a short name. */
export async function rewriteManifests(request: RewriteRequest, deps: RewriteDeps): Promise<RewriteResult> {
  const inventory = findImageUses(
    request.files.flatMap((file) => file.documents),
    request.podSpecPaths,
  );
  const images = distinctImages(inventory);
  const verdicts = new Map<string, ImageVerdict>();
  const pins = new Map<string, string>();
  const { target } = request;
  if (target.kind === "proxy") {
    const probed = [...images].filter(([, ref]) => !isVendorImage(ref, target));
    await Promise.all(probed.map(async ([image, ref]) => verdicts.set(image, await deps.classify(ref))));
    if (request.pin) {
      await Promise.all(
        [...images].map(async ([image, ref]) => {
          const digest = ref.digest ?? (await pinnedDigest(ref, verdicts.get(image), request, deps));
          if (digest !== undefined) pins.set(image, digest);
        }),
      );
    }
  }
  const plan = planRewrite(inventory, { verdicts, pins }, request);
  if (request.pin) {
    for (const [image, ref] of images) {
      if (ref.digest === undefined && !pins.has(image) && verdicts.get(image)?.class !== "missing") {
        plan.warnings.push(`${image} could not be pinned: its digest could not be read`);
      }
    }
    const release = await deps.lastRelease?.();
    if (release !== undefined) plan.warnings.push(...releaseDriftWarnings(images, pins, release));
  }
  return { inventory, plan };
}

async function pinnedDigest(
  ref: ImageReference,
  verdict: ImageVerdict | undefined,
  request: RewriteRequest,
  deps: RewriteDeps,
): Promise<string | undefined> {
  if (request.target.kind !== "proxy") return undefined;
  if (verdict?.class === "public" && !request.target.all) return verdict.digest;
  const proxied = verdict === undefined ? ref : parseProxied(ref, request);
  return proxied === undefined ? undefined : deps.resolveDigest?.(proxied);
}

function parseProxied(ref: ImageReference, request: RewriteRequest): ImageReference | undefined {
  if (request.target.kind !== "proxy") return undefined;
  const name = proxyName(ref, request.target.host, request.app, request.target.upstreamNames);
  const parsed = parseReference(`${name}:${ref.tag ?? "latest"}`);
  return parsed.ok ? parsed.reference : undefined;
}
