/**
 * @module
 * `/v2/<name>/blobs/uploads/…`: start (with monolithic and mount forms),
 * chunked PATCH, status, completing PUT and cancel — distribution-spec
 * "Pushing blobs" and "Mounting a blob from another repository".
 */
import type { ServerResponse } from "node:http";
import { parseDigest } from "../../digest/digest.ts";
import { WharfError } from "../../errors/wharf-error.ts";
import { type UploadStatus, uploadRange } from "../../registry/upload-service.ts";
import type { Subject } from "../authorizer.ts";
import { readContentRange } from "./headers.ts";
import type { RegistryContext } from "./registry-context.ts";
import { uploadBody } from "./upload-body.ts";

function sendUploadStatus(res: ServerResponse, status: UploadStatus, code: number): void {
  res.statusCode = code;
  res.setHeader("Location", `/v2/${status.repository}/blobs/uploads/${status.id}`);
  res.setHeader("Range", uploadRange(status.size));
  res.setHeader("Docker-Upload-UUID", status.id);
  res.setHeader("Content-Length", 0);
  res.end();
}

function sendCreated(res: ServerResponse, name: string, digest: string): void {
  res.statusCode = 201;
  res.setHeader("Location", `/v2/${name}/blobs/${digest}`);
  res.setHeader("Docker-Content-Digest", digest);
  res.setHeader("Content-Length", 0);
  res.end();
}

/**
 * Whose quota a session counts against: a user and its tokens share one,
 * each robot has its own, and every anonymous client shares "anonymous".
 */
function uploadOwner(subject: Subject): string {
  if (subject.kind === "anonymous") return "anonymous";
  return `${subject.kind === "token" ? "user" : subject.kind}:${subject.name}`;
}

/** The body's declared Content-Length, when there is a valid one. */
function declaredLength(ctx: RegistryContext): number | undefined {
  const length = Number(ctx.req.headers["content-length"] ?? Number.NaN);
  return Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}

function hasBody(ctx: RegistryContext): boolean {
  const length = ctx.req.headers["content-length"];
  return length === undefined ? ctx.req.headers["transfer-encoding"] !== undefined : Number(length) > 0;
}

/** POST: mount (`?mount=&from=`), monolithic push (`?digest=`), or open a session. */
export async function startUpload(ctx: RegistryContext): Promise<void> {
  const { query, services, res, name, repository } = ctx;
  const mount = query.get("mount");
  if (mount !== null) {
    const digest = parseDigest(mount, "mount digest");
    const from = query.get("from") ?? undefined;
    const canPull = (repository: string) => services.authorizer.canPull(ctx.subject, repository);
    if (await repository.uploads.mount(digest, from, canPull)) return sendCreated(res, name, digest.value);
  }
  const digestParam = mount === null ? query.get("digest") : null;
  if (digestParam !== null) {
    const blob = await repository.uploads.monolithic(
      parseDigest(digestParam),
      uploadBody(ctx.req),
      declaredLength(ctx),
    );
    services.metrics.bytesReceived.inc(blob.size);
    return sendCreated(res, name, blob.digest);
  }
  ctx.req.resume();
  sendUploadStatus(res, await repository.uploads.start(uploadOwner(ctx.subject)), 202);
}

/** PATCH: appends a chunk (ordered by Content-Range when given). */
export async function patchUpload(ctx: RegistryContext): Promise<void> {
  const range = readContentRange(ctx.req);
  const owner = uploadOwner(ctx.subject);
  const status = await ctx.repository.uploads.append(
    ctx.segment,
    owner,
    uploadBody(ctx.req),
    range,
    declaredLength(ctx),
  );
  sendUploadStatus(ctx.res, status, 202);
}

/** PUT `?digest=`: appends the last chunk (if any), verifies and commits the blob. */
export async function completeUpload(ctx: RegistryContext): Promise<void> {
  const digestParam = ctx.query.get("digest");
  if (digestParam === null) {
    throw new WharfError(
      "DIGEST_INVALID",
      "completing an upload needs the blob's digest: PUT …?digest=<algorithm>:<hex>",
    );
  }
  const digest = parseDigest(digestParam);
  const range = readContentRange(ctx.req);
  const body = hasBody(ctx) ? uploadBody(ctx.req) : undefined;
  if (!body) ctx.req.resume();
  const owner = uploadOwner(ctx.subject);
  const blob = await ctx.repository.uploads.complete(ctx.segment, owner, digest, body, declaredLength(ctx), range);
  ctx.services.metrics.bytesReceived.inc(blob.size);
  sendCreated(ctx.res, ctx.name, blob.digest);
}

/** GET: where the session stands (204 with Range). */
export async function uploadStatus(ctx: RegistryContext): Promise<void> {
  sendUploadStatus(ctx.res, await ctx.repository.uploads.status(ctx.segment), 204);
}

/** DELETE: cancels the session (204). */
export async function cancelUpload(ctx: RegistryContext): Promise<void> {
  await ctx.repository.uploads.cancel(ctx.segment);
  ctx.res.statusCode = 204;
  ctx.res.end();
}
