/**
 * @module
 * Small request-header readers shared by the registry handlers.
 */
import type { IncomingMessage } from "node:http";
import { WharfError } from "../../errors/wharf-error.ts";

/** A `Range: bytes=a-b` request, resolved against the blob's size. */
export type ByteRange = { readonly offset: number; readonly length: number } | "unsatisfiable" | undefined;

/**
 * Parses a single-range `Range` header. Undefined for no header or one this
 * server ignores (multiple ranges: the whole blob is sent, as RFC 9110 allows).
 */
export function readByteRange(header: string | undefined, size: number): ByteRange {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) return undefined;
  const [, first, final] = match as unknown as [string, string, string];
  if (first === "") {
    const suffix = Math.min(Number(final), size);
    return suffix === 0 ? "unsatisfiable" : { offset: size - suffix, length: suffix };
  }
  const start = Number(first);
  const end = final === "" ? size - 1 : Math.min(Number(final), size - 1);
  if (start >= size || end < start) return "unsatisfiable";
  return { offset: start, length: end - start + 1 };
}

/** Parses an upload chunk's `Content-Range: start-end`; BLOB_UPLOAD_INVALID when malformed. */
export function readContentRange(req: IncomingMessage): { start: number; end: number } | undefined {
  const header = req.headers["content-range"];
  if (header === undefined) return undefined;
  const match = /^(?:bytes[ =])?(\d{1,15})-(\d{1,15})(?:\/(?:\d+|\*))?$/.exec(header.trim());
  const start = Number(match?.[1]);
  const end = Number(match?.[2]);
  if (!match || end < start) {
    throw new WharfError(
      "BLOB_UPLOAD_RANGE_INVALID",
      `Content-Range must be "<start>-<end>" with end >= start, not ${JSON.stringify(header.slice(0, 60))}`,
    );
  }
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) !== end - start + 1) {
    throw new WharfError(
      "SIZE_INVALID",
      `Content-Range covers ${end - start + 1} bytes but Content-Length is ${declared}`,
    );
  }
  return { start, end };
}
