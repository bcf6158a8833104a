/**
 * @module
 * `HEAD|GET|PUT|DELETE /v2/<name>/manifests/<reference>` with content
 * negotiation on Accept, and the tags list.
 */
import { WharfError } from "../../errors/wharf-error.ts";
import { isValidTag } from "../../reference/grammar.ts";
import { parseManifestReference } from "../../registry/manifest-service.ts";
import { readBody } from "../read-body.ts";
import { writeJson } from "../write-error.ts";
import { finishPage, readPage } from "./pagination.ts";
import type { RegistryContext } from "./registry-context.ts";

/** Set on manifests and tag lists served from the proxy cache while the upstream failed; its value says why. */
const staleHeader = "Wharf-Proxy-Stale";

/**
 * True when the Accept header admits `mediaType`: no header, a wildcard, or
 * the type itself. Clients that list specific manifest types and not this
 * one get MANIFEST_UNKNOWN rather than bytes they cannot read.
 */
function accepts(header: string | string[] | undefined, mediaType: string): boolean {
  if (header === undefined) return true;
  const values = (Array.isArray(header) ? header.join(",") : header).split(",");
  if (values.length === 1 && values[0]!.trim() === "") return true;
  return values.some((value) => {
    const type = value.split(";")[0]!.trim().toLowerCase();
    return type === "*/*" || type === "application/*" || type === mediaType || type === "application/json";
  });
}

/**
 * HEAD or GET a manifest by tag or digest. A tag outside the grammar names
 * nothing that can exist, so it is 404 MANIFEST_UNKNOWN (as in Distribution
 * and the OCI conformance suite), with a message that says why; only PUT
 * refuses such a tag as 400 MANIFEST_INVALID.
 */
export async function getManifest(ctx: RegistryContext, head: boolean): Promise<void> {
  if (!ctx.segment.includes(":") && !isValidTag(ctx.segment)) {
    throw new WharfError(
      "MANIFEST_UNKNOWN",
      `no manifest ${JSON.stringify(ctx.segment.slice(0, 150))} in ${ctx.name}: not a valid tag (1-128 letters, digits, '_', '.', '-', not starting with '.' or '-')`,
    );
  }
  const reference = parseManifestReference(ctx.segment);
  const manifest = await ctx.repository.manifests.get(reference);
  if (!accepts(ctx.req.headers.accept, manifest.mediaType)) {
    throw new WharfError(
      "MANIFEST_UNKNOWN",
      `manifest ${ctx.segment} is ${manifest.mediaType}, which the request's Accept header does not list`,
    );
  }
  const { res } = ctx;
  res.statusCode = 200;
  res.setHeader("Content-Type", manifest.mediaType);
  res.setHeader("Content-Length", manifest.size);
  res.setHeader("Docker-Content-Digest", manifest.digest);
  res.setHeader("ETag", `"${manifest.digest}"`);
  if (manifest.stale) res.setHeader(staleHeader, manifest.stale);
  res.end(head ? undefined : manifest.content);
}

/** PUT a manifest: validates, stores, tags (201 with Location and digest). */
export async function putManifest(ctx: RegistryContext): Promise<void> {
  const reference = parseManifestReference(ctx.segment);
  const body = await readBody(ctx.req, ctx.services.maxManifestBytes, "manifest");
  const pushed = await ctx.repository.manifests.put(reference, body, ctx.req.headers["content-type"]);
  const { res } = ctx;
  res.statusCode = 201;
  res.setHeader("Location", `/v2/${ctx.name}/manifests/${pushed.digest}`);
  res.setHeader("Docker-Content-Digest", pushed.digest);
  if (pushed.subject) res.setHeader("OCI-Subject", pushed.subject);
  res.setHeader("Content-Length", 0);
  res.end();
}

/** DELETE a manifest by digest (and its tags) or just a tag (202). */
export async function deleteManifest(ctx: RegistryContext): Promise<void> {
  await ctx.repository.manifests.delete(parseManifestReference(ctx.segment));
  ctx.res.statusCode = 202;
  ctx.res.setHeader("Content-Length", 0);
  ctx.res.end();
}

/** GET the sorted tags list with `n`/`last` pagination. */
export async function listTags(ctx: RegistryContext): Promise<void> {
  const page = readPage(ctx.query);
  const rows = await ctx.repository.tags(page.last, page.limit + 1);
  if (rows.stale) ctx.res.setHeader(staleHeader, rows.stale);
  const tags = finishPage(ctx.res, `/v2/${ctx.name}/tags/list`, page, rows.tags);
  writeJson(ctx.res, 200, { name: ctx.name, tags });
}
