/**
 * @module
 * Reading and discarding response bodies without trusting their size.
 * Manifests, tag lists, token and error responses are small and are read
 * whole, but a hostile or broken registry can send gigabytes where a
 * manifest belongs, so every whole read has a cap.
 */
import type { Readable } from "node:stream";
import { classifyNetworkError } from "./classify-network-error.ts";
import { failed, type RegistryResult, success } from "./registry-result.ts";

/** The largest manifest the client reads (Distribution's own default limit). */
export const maxManifestBytes = 4 * 1024 * 1024;

/** The largest error, token or tag-list page body the client reads. */
export const maxSmallBodyBytes = 1024 * 1024;

/**
 * Reads `body` whole. Fails with `protocol` once it exceeds `limit` bytes
 * (the stream is destroyed at that point, not drained), and with the
 * network classification if the stream errors (reset, timeout). `what`
 * names the request in messages.
 */
export async function readBody(body: Readable, limit: number, what: string): Promise<RegistryResult<Buffer>> {
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      length += chunk.length;
      if (length > limit) {
        body.destroy();
        return failed("protocol", `${what}: response body is larger than ${limit} bytes`);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    return classifyNetworkError(error, what);
  }
  return success(Buffer.concat(chunks, length));
}

/**
 * Throws a body away. Small bodies (by Content-Length) are drained so the
 * keep-alive connection can be reused; large or unsized ones are destroyed.
 */
export function discardBody(body: Readable, contentLength: string | undefined): void {
  const size = contentLength === undefined ? Number.NaN : Number(contentLength);
  if (size <= 64 * 1024) {
    body.on("error", () => {});
    body.resume();
  } else {
    body.destroy();
  }
}
