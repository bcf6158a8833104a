/**
 * @module
 * Every image a set of Kubernetes documents uses, with the exact place each
 * one sits — so an edit can be written as a kustomize patch or applied in
 * place, and nothing but the image field is touched. `List` kinds are
 * opened: each item is a resource of its own, as kubectl and kustomize
 * treat them.
 */
import { type ContainerField, containerFields, findPodSpecs, isRecord, type ObjectPath, valueAt } from "./pod-specs.ts";

/** The identity of a resource, as a kustomize patch target names it. */
export interface ResourceId {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/** Where a resource comes from: a file, the document in it, and the `List` item when there is one. */
export interface ResourceSite {
  readonly file: string;
  readonly document: number;
  readonly item?: number;
  readonly resource: ResourceId;
}

/** One PodSpec and the pull secrets it already names. */
export interface PodSpecSite extends ResourceSite {
  readonly podSpec: ObjectPath;
  readonly pullSecrets: readonly string[];
}

/** One container's image. */
export interface ImageUse extends ResourceSite {
  readonly podSpec: ObjectPath;
  readonly field: ContainerField;
  readonly index: number;
  readonly image: string;
  readonly pullPolicy?: string;
}

/** A parsed document of a file (`value` is its plain JavaScript form). */
export interface ParsedDocument {
  readonly file: string;
  readonly document: number;
  readonly value: unknown;
}

/** What {@link findImageUses} finds. */
export interface ImageInventory {
  readonly podSpecs: PodSpecSite[];
  readonly uses: ImageUse[];
  /** Every namespace a resource names (for `--additional-namespace '*'`). */
  readonly namespaces: string[];
}

/** Finds every PodSpec and container image in `documents`; `extraPaths` as in findPodSpecs. */
export function findImageUses(
  documents: readonly ParsedDocument[],
  extraPaths: readonly ObjectPath[] = [],
): ImageInventory {
  const inventory: ImageInventory = { podSpecs: [], uses: [], namespaces: [] };
  const namespaces = new Set<string>();
  for (const doc of documents) {
    for (const { value, item } of resourcesOf(doc.value)) {
      const resource = resourceId(value);
      if (resource === undefined) continue;
      if (resource.namespace !== undefined) namespaces.add(resource.namespace);
      const site = { file: doc.file, document: doc.document, ...(item !== undefined && { item }), resource };
      for (const podSpec of findPodSpecs(value, extraPaths)) collect(inventory, site, podSpec, valueAt(value, podSpec));
    }
  }
  inventory.namespaces.push(...[...namespaces].sort());
  return inventory;
}

function collect(inventory: ImageInventory, site: ResourceSite, podSpec: ObjectPath, spec: unknown): void {
  const record = spec as Record<string, unknown>;
  const secrets = Array.isArray(record.imagePullSecrets) ? record.imagePullSecrets : [];
  const pullSecrets = secrets.flatMap((s) => (isRecord(s) && typeof s.name === "string" ? [s.name] : []));
  inventory.podSpecs.push({ ...site, podSpec, pullSecrets });
  for (const field of containerFields) {
    const list = record[field];
    if (!Array.isArray(list)) continue;
    list.forEach((container, index) => {
      if (!isRecord(container) || typeof container.image !== "string") return;
      const pullPolicy = typeof container.imagePullPolicy === "string" ? container.imagePullPolicy : undefined;
      inventory.uses.push({
        ...site,
        podSpec,
        field,
        index,
        image: container.image,
        ...(pullPolicy && { pullPolicy }),
      });
    });
  }
}

function resourcesOf(value: unknown): { value: unknown; item?: number }[] {
  if (isRecord(value) && value.kind === "List" && Array.isArray(value.items)) {
    return value.items.map((item, index) => ({ value: item, item: index }));
  }
  return [{ value }];
}

function resourceId(value: unknown): ResourceId | undefined {
  if (!isRecord(value) || typeof value.kind !== "string" || typeof value.apiVersion !== "string") return undefined;
  const metadata = isRecord(value.metadata) ? value.metadata : {};
  if (typeof metadata.name !== "string") return undefined;
  const namespace = typeof metadata.namespace === "string" ? metadata.namespace : undefined;
  return { apiVersion: value.apiVersion, kind: value.kind, name: metadata.name, ...(namespace && { namespace }) };
}
