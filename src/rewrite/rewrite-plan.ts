/**
 * @module
 * Deciding what to change, as data: which container gets which image, which
 * PodSpecs get the pull secret, in which namespaces the secret is rendered,
 * and what the user must be warned about. Pure: the probes ran before, and
 * the kustomize overlay and the in-place (post-renderer) output are two
 * renderings of the same plan, so they cannot disagree.
 */
import type { ImageReference } from "../reference/image-reference.ts";
import { parseReference } from "../reference/parse-reference.ts";
import { referenceString } from "../reference/reference-string.ts";
import type { ImageClass, ImageVerdict } from "./classify-image.ts";
import { airgapName, proxyName, writtenName } from "./image-names.ts";
import type { ImageInventory, ImageUse, PodSpecSite } from "./image-uses.ts";
import { RewriteError } from "./rewrite-error.ts";

/** Where images go: through Wharf's proxy, or to the customer's own registry (airgap). */
export type RewriteTarget =
  | {
      readonly kind: "proxy";
      /** The Wharf host customers pull from (`wharf.example.com`, `host:port`). */
      readonly host: string;
      /** Proxy public images too (like KOTS' ProxyPublicImages). */
      readonly all: boolean;
      /** Registry host with a port → the external registry's short name. */
      readonly upstreamNames: ReadonlyMap<string, string>;
    }
  | { readonly kind: "airgap"; readonly registry: string };

/** What the plan needs besides the inventory and the probes. */
export interface PlanOptions {
  readonly app: string;
  readonly target: RewriteTarget;
  /** The pull secret every PodSpec gets; none in airgap mode unless given. */
  readonly secretName?: string;
  /** The application's namespace, where the secret is always rendered. */
  readonly namespace: string;
  /** More namespaces for the secret; `*` means every namespace the manifests name. */
  readonly additionalNamespaces: readonly string[];
  /** Proceed when images are missing, unreachable or rate-limited (they stay as written). */
  readonly allowUnverified: boolean;
}

/** One distinct image as written, its class and where it goes. */
export interface ImageRow {
  readonly image: string;
  readonly reference: string;
  readonly class: ImageClass | "airgap" | "invalid";
  readonly reason?: string;
  readonly rewrittenTo?: string;
}

/** One container's new image: `name` is the new name (no tag or digest), `image` the whole new reference. */
export interface ImageEdit {
  readonly use: ImageUse;
  readonly name: string;
  readonly image: string;
}

/** Everything a rewrite changes and says. */
export interface RewritePlan {
  /** The pull secret added to PodSpecs (and rendered), when there is one. */
  readonly secretName?: string;
  readonly rows: ImageRow[];
  readonly edits: ImageEdit[];
  readonly secretSites: PodSpecSite[];
  readonly secretNamespaces: string[];
  readonly warnings: string[];
  /** Images that block the rewrite (missing, unreachable, invalid) unless allowed. */
  readonly problems: string[];
}

/** Verdicts and pinned digests, keyed by the image as written. */
export interface Probes {
  readonly verdicts: ReadonlyMap<string, ImageVerdict>;
  /** Digests to pin to (`--pin`), keyed by the image as written. */
  readonly pins?: ReadonlyMap<string, string>;
}

/** The references of every distinct image in `inventory`, keyed by the image as written; invalid ones are left out. */
export function distinctImages(inventory: ImageInventory): Map<string, ImageReference> {
  const images = new Map<string, ImageReference>();
  for (const use of inventory.uses) {
    const parsed = parseReference(use.image);
    if (parsed.ok) images.set(use.image, parsed.reference);
  }
  return images;
}

/** True when `ref` is already served by the Wharf host (or the customer's registry, in airgap mode). */
export function isVendorImage(ref: ImageReference, target: RewriteTarget): boolean {
  const host = target.kind === "proxy" ? target.host : target.registry.split("/")[0]!;
  return ref.domain.toLowerCase() === host.toLowerCase();
}

/** Builds the plan. Throws RewriteError `usage` for a registry port without a short name. */
export function planRewrite(inventory: ImageInventory, probes: Probes, options: PlanOptions): RewritePlan {
  const plan: RewritePlan = {
    ...(options.secretName !== undefined && { secretName: options.secretName }),
    rows: [],
    edits: [],
    secretSites: [],
    secretNamespaces: [],
    warnings: [],
    problems: [],
  };
  const byImage = new Map<string, ImageUse[]>();
  for (const use of inventory.uses) byImage.set(use.image, [...(byImage.get(use.image) ?? []), use]);
  for (const [image, uses] of byImage) planImage(plan, image, uses, probes, options);
  warnAboutTags(plan, byImage);
  if (options.secretName !== undefined) addSecrets(plan, inventory, options, options.secretName);
  return plan;
}

function planImage(plan: RewritePlan, image: string, uses: ImageUse[], probes: Probes, options: PlanOptions): void {
  const parsed = parseReference(image);
  if (!parsed.ok) {
    plan.rows.push({ image, reference: image, class: "invalid", reason: parsed.error });
    plan.problems.push(`${image}: ${parsed.error}`);
    return;
  }
  const ref = parsed.reference;
  const reference = referenceString(ref);
  const pin = probes.pins?.get(image);
  if (ref.tag === undefined && ref.digest === undefined)
    plan.warnings.push(`${image} has no tag: it means :latest, which can change under the customer`);
  else if (ref.tag === "latest" && ref.digest === undefined)
    plan.warnings.push(`${image} uses :latest, which can change under the customer`);
  const { target } = options;
  if (target.kind === "airgap") {
    const name = airgapName(ref, target.registry);
    plan.rows.push({ image, reference, class: "airgap", rewrittenTo: name });
    for (const use of uses) {
      plan.edits.push({ use, name, image: name + suffix(image, pin) });
      if (use.pullPolicy === "Always") {
        plan.warnings.push(
          `${use.file}: ${use.resource.kind}/${use.resource.name} pulls ${image} with imagePullPolicy: Always, which fails when the registry is unreachable`,
        );
      }
    }
    return;
  }
  const vendor = isVendorImage(ref, target);
  const verdict: ImageVerdict = vendor
    ? { class: "vendor" }
    : (probes.verdicts.get(image) ?? { class: "unreachable", reason: "not probed" });
  const proxied = verdict.class === "private" || (target.all && verdict.class === "public");
  const name = proxied ? proxyName(ref, target.host, options.app, target.upstreamNames) : writtenName(image);
  plan.rows.push({
    image,
    reference,
    class: verdict.class,
    ...(verdict.reason && { reason: verdict.reason }),
    ...(proxied && { rewrittenTo: name }),
  });
  if (["missing", "unreachable", "rate-limited"].includes(verdict.class)) {
    const line = `${image} is ${verdict.class}${verdict.reason ? ` (${verdict.reason})` : ""}`;
    (options.allowUnverified ? plan.warnings : plan.problems).push(
      options.allowUnverified ? `${line}: left as written` : line,
    );
    return;
  }
  if (!proxied && pin === undefined) return;
  for (const use of uses) {
    const rewritten = name + suffix(image, pin);
    if (rewritten !== image) plan.edits.push({ use, name, image: rewritten });
  }
}

/** The `:tag`/`@digest` part to keep; with a pin the tag is dropped for the pinned digest. */
function suffix(image: string, pin: string | undefined): string {
  const rest = image.slice(writtenName(image).length);
  if (pin === undefined || rest.includes("@")) return rest;
  return `@${pin}`;
}

function warnAboutTags(plan: RewritePlan, byImage: Map<string, ImageUse[]>): void {
  const tagsByName = new Map<string, Set<string>>();
  for (const image of byImage.keys()) {
    const parsed = parseReference(image);
    if (!parsed.ok) continue;
    const name = `${parsed.reference.domain}/${parsed.reference.path}`;
    tagsByName.set(name, (tagsByName.get(name) ?? new Set()).add(parsed.reference.tag ?? "latest"));
  }
  for (const [name, tags] of tagsByName) {
    if (tags.size > 1)
      plan.warnings.push(`${name} is used with ${tags.size} different tags (${[...tags].sort().join(", ")})`);
  }
}

function addSecrets(plan: RewritePlan, inventory: ImageInventory, options: PlanOptions, secretName: string): void {
  for (const site of inventory.podSpecs) if (!site.pullSecrets.includes(secretName)) plan.secretSites.push(site);
  const extra = options.additionalNamespaces.flatMap((ns) => (ns === "*" ? inventory.namespaces : [ns]));
  plan.secretNamespaces.push(...new Set([options.namespace, ...extra]));
  const covered = new Set(plan.secretNamespaces);
  const uncovered = new Set(
    inventory.podSpecs
      .map((site) => site.resource.namespace)
      .filter((ns): ns is string => ns !== undefined && !covered.has(ns)),
  );
  for (const ns of uncovered) {
    plan.warnings.push(
      `workloads in namespace ${ns} get the pull secret ${secretName}, but it is not rendered there: add --additional-namespace ${ns}`,
    );
  }
}

/** Throws RewriteError `images` listing every problem, unless there are none. */
export function assertNoProblems(plan: RewritePlan): void {
  if (plan.problems.length === 0) return;
  const lines = plan.problems.map((p) => `  ${p}`).join("\n");
  throw new RewriteError(
    "images",
    `${plan.problems.length} image(s) cannot be verified, so nothing was written:\n${lines}\nfix the references, or pass --allow-unverified to leave them as written`,
  );
}
