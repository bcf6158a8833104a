/**
 * @module
 * `HEAD|GET|DELETE /v2/<name>/blobs/<digest>`: blob bytes, whole or by
 * range, and unlinking a blob from a repository.
 */
import { pipeline } from "node:stream/promises";
import { parseDigest } from "../../digest/digest.ts";
import { WharfError } from "../../errors/wharf-error.ts";
import { FileReadStream } from "../../storage/file-read-stream.ts";
import { readByteRange } from "./headers.ts";
import type { RegistryContext } from "./registry-context.ts";

/** HEAD or GET a blob; GET streams it (206 for a satisfiable Range). */
export async function getBlob(ctx: RegistryContext, head: boolean): Promise<void> {
  const { res, services, repository } = ctx;
  const digest = parseDigest(ctx.segment);
  const opened = head ? undefined : await repository.blobs.open(digest);
  const size = opened?.size ?? (await repository.blobs.stat(digest)).size;
  const range = readByteRange(ctx.req.headers.range, size);
  res.setHeader("Docker-Content-Digest", digest.value);
  res.setHeader("ETag", `"${digest.value}"`);
  res.setHeader("Accept-Ranges", "bytes");
  res.setHeader("Cache-Control", "max-age=31536000");
  res.setHeader("Content-Type", "application/octet-stream");
  if (range === "unsatisfiable") {
    throw new WharfError("RANGE_INVALID", `the blob has ${size} bytes; the requested range is outside it`, {
      resourceSize: size,
    });
  }
  res.statusCode = range ? 206 : 200;
  if (range) res.setHeader("Content-Range", `bytes ${range.offset}-${range.offset + range.length - 1}/${size}`);
  res.setHeader("Content-Length", range ? range.length : size);
  if (!opened || size === 0) {
    res.end();
    return;
  }
  const location = await repository.blobs.redirect?.(digest);
  if (location) {
    res.removeHeader("Content-Range");
    res.removeHeader("Cache-Control");
    res.statusCode = 307;
    res.setHeader("Location", location);
    res.setHeader("Content-Length", 0);
    res.end();
    return;
  }
  const offload = repository.blobs.offload?.(digest);
  if (offload) {
    // The proxy in front serves the file (nginx from its internal location, X-Sendfile by path), Range included.
    res.removeHeader("Content-Range");
    res.statusCode = 200;
    res.setHeader(offload.kind === "x-sendfile" ? "X-Sendfile" : "X-Accel-Redirect", offload.target);
    res.setHeader("Content-Length", 0);
    res.end();
    return;
  }
  const stream = await opened.read(range);
  // Files copy through reused buffers (no per-chunk garbage); other drivers' streams pipe.
  if (stream instanceof FileReadStream) await stream.writeTo(res);
  else await pipeline(stream, res);
  services.metrics.bytesSent.inc(range ? range.length : size);
}

/** Unlinks a blob from the repository (202). */
export async function deleteBlob(ctx: RegistryContext): Promise<void> {
  await ctx.repository.blobs.delete(parseDigest(ctx.segment));
  ctx.res.statusCode = 202;
  ctx.res.setHeader("Content-Length", 0);
  ctx.res.end();
}
