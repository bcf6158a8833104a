/**
 * @module
 * Reads a small request body (manifests, JSON) into memory with a hard limit,
 * refusing early from Content-Length when it already says too much.
 */
import type { IncomingMessage } from "node:http";
import { WharfError } from "../errors/wharf-error.ts";

/** The whole body, or a WharfError (413) once more than `limit` bytes arrive. */
export async function readBody(req: IncomingMessage, limit: number, what: string): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? Number.NaN);
  const tooLarge = () =>
    new WharfError(
      what === "manifest" ? "MANIFEST_TOO_LARGE" : "REQUEST_TOO_LARGE",
      `${what} is larger than the limit of ${limit} bytes`,
    );
  if (declared > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size);
}
