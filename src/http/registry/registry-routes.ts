/**
 * @module
 * Every registry endpoint on one screen: the path pattern, and per method
 * the access it needs and its handler. Patterns match the raw (undecoded)
 * path; the name group is validated against the spec grammar afterwards, so
 * `..`, `%2e` and other tricks never reach a service. Order matters: uploads
 * before blobs.
 */
import type { Action } from "../authorizer.ts";
import { deleteBlob, getBlob } from "./blob-handlers.ts";
import { apiVersionCheck, listCatalog, listReferrers } from "./discovery-handlers.ts";
import { deleteManifest, getManifest, listTags, putManifest } from "./manifest-handlers.ts";
import type { RegistryContext } from "./registry-context.ts";
import { cancelUpload, completeUpload, patchUpload, startUpload, uploadStatus } from "./upload-handlers.ts";

/** What one method of a route needs and does. */
export interface RouteMethod {
  /** Actions on the repository in the path; `catalog` asks for `registry:catalog:*`. */
  readonly actions: readonly Action[] | "catalog" | "none";
  readonly handle: (ctx: RegistryContext) => Promise<void>;
  /** Recorded in the audit log when the request succeeds. */
  readonly audit?: "pull" | "push" | "delete";
}

/** A registry endpoint. Groups: 1 = name (when `named`), 2 = last segment. */
export interface RegistryRoute {
  readonly id: string;
  readonly pattern: RegExp;
  readonly named: boolean;
  readonly methods: Readonly<Record<string, RouteMethod>>;
}

const pull = ["pull"] as const;
const push = ["pull", "push"] as const;
const remove = ["delete"] as const;

export const registryRoutes: readonly RegistryRoute[] = [
  {
    id: "base",
    pattern: /^\/v2\/?$/,
    named: false,
    methods: { GET: { actions: "none", handle: apiVersionCheck } },
  },
  {
    id: "catalog",
    pattern: /^\/v2\/_catalog$/,
    named: false,
    methods: { GET: { actions: "catalog", handle: listCatalog } },
  },
  {
    id: "tags",
    pattern: /^\/v2\/(.+)\/tags\/list$/,
    named: true,
    methods: { GET: { actions: pull, handle: listTags } },
  },
  {
    id: "manifest",
    pattern: /^\/v2\/(.+)\/manifests\/([^/]+)$/,
    named: true,
    methods: {
      GET: { actions: pull, handle: (ctx) => getManifest(ctx, false), audit: "pull" },
      HEAD: { actions: pull, handle: (ctx) => getManifest(ctx, true) },
      PUT: { actions: push, handle: putManifest, audit: "push" },
      DELETE: { actions: remove, handle: deleteManifest, audit: "delete" },
    },
  },
  {
    id: "upload",
    pattern: /^\/v2\/(.+)\/blobs\/uploads\/([^/]*)$/,
    named: true,
    methods: {
      POST: { actions: push, handle: startUpload },
      PATCH: { actions: push, handle: patchUpload },
      PUT: { actions: push, handle: completeUpload },
      GET: { actions: push, handle: uploadStatus },
      DELETE: { actions: push, handle: cancelUpload },
    },
  },
  {
    id: "blob",
    pattern: /^\/v2\/(.+)\/blobs\/([^/]+)$/,
    named: true,
    methods: {
      GET: { actions: pull, handle: (ctx) => getBlob(ctx, false) },
      HEAD: { actions: pull, handle: (ctx) => getBlob(ctx, true) },
      DELETE: { actions: remove, handle: deleteBlob, audit: "delete" },
    },
  },
  {
    id: "referrers",
    pattern: /^\/v2\/(.+)\/referrers\/([^/]+)$/,
    named: true,
    methods: { GET: { actions: pull, handle: listReferrers } },
  },
];
