/**
 * @module
 * `GET /v2/` (API version check), `GET /v2/_catalog`, and the referrers API
 * `GET /v2/<name>/referrers/<digest>`.
 */
import { parseDigest } from "../../digest/digest.ts";
import { mediaTypes } from "../../oci/media-types.ts";
import { writeJson } from "../write-error.ts";
import { finishPage, readPage } from "./pagination.ts";
import type { RegistryContext } from "./registry-context.ts";

/** `GET /v2/`: 200 with an empty JSON object once authorized. */
export async function apiVersionCheck(ctx: RegistryContext): Promise<void> {
  writeJson(ctx.res, 200, {});
}

/** `GET /v2/_catalog`: repositories the caller may see, sorted, paginated. */
export async function listCatalog(ctx: RegistryContext): Promise<void> {
  const page = readPage(ctx.query);
  const { catalog, authorizer } = ctx.services;
  const visible: string[] = [];
  let after = page.last;
  // Filtering may drop rows, so read in batches until the page is full.
  while (visible.length <= page.limit) {
    const batch = await catalog.listRepositories(after, page.limit + 1);
    if (batch.length === 0) break;
    visible.push(...(await authorizer.visibleRepositories(ctx.subject, batch)));
    after = batch[batch.length - 1];
    if (batch.length <= page.limit) break;
  }
  const repositories = finishPage(ctx.res, "/v2/_catalog", page, visible.slice(0, page.limit + 1));
  writeJson(ctx.res, 200, { repositories });
}

/** The referrers of a subject digest as an OCI index, optionally filtered by artifactType. */
export async function listReferrers(ctx: RegistryContext): Promise<void> {
  const subject = parseDigest(ctx.segment, "subject digest");
  const artifactType = ctx.query.get("artifactType") ?? undefined;
  const rows = await ctx.repository.referrers(subject, artifactType);
  if (artifactType !== undefined) ctx.res.setHeader("OCI-Filters-Applied", "artifactType");
  const manifests = rows.map((row) => ({
    mediaType: row.mediaType,
    digest: row.digest,
    size: row.size,
    ...(row.artifactType ? { artifactType: row.artifactType } : {}),
    ...(row.annotations ? { annotations: row.annotations } : {}),
  }));
  writeJson(ctx.res, 200, { schemaVersion: 2, mediaType: mediaTypes.ociIndex, manifests }, mediaTypes.ociIndex);
}
