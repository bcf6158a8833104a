/**
 * @module
 * The one place wire errors are written: the OCI error envelope
 * `{"errors":[{"code","message","detail"}]}` with the code's status. Anything
 * that is not a {@link WharfError} or a domain error of a mapped kind
 * (domain-error-codes.ts) is a bug on our side: it is logged with its
 * stack and the client sees a plain 500 UNKNOWN without internals; a blob
 * store that fails (StorageBackendError) is a 503 UNAVAILABLE.
 */
import type { ServerResponse } from "node:http";
import { errorCodes } from "../errors/error-codes.ts";
import { type ErrorHints, isWharfError, WharfError } from "../errors/wharf-error.ts";
import type { Logger } from "../log/create-logger.ts";
import { uploadRange } from "../registry/upload-service.ts";
import { StorageBackendError } from "../storage/storage-driver.ts";
import { boundUnreadBody } from "./bounded-drain.ts";
import { wireErrorForDomain } from "./domain-error-codes.ts";

/** Converts anything thrown into the WharfError that will be written. */
export function toWharfError(thrown: unknown, log: Logger): WharfError {
  const error = wireErrorForDomain(thrown);
  if (isWharfError(error)) return error;
  if (error instanceof StorageBackendError) {
    log.error({ err: error }, "the blob store failed");
    return new WharfError("UNAVAILABLE", "the blob store is unavailable; try again later");
  }
  log.error({ err: error }, "unexpected error while handling a request");
  return new WharfError("UNKNOWN", errorCodes.UNKNOWN.message);
}

/** Writes `error` unless the response already started (then the connection is cut). */
export function writeError(res: ServerResponse, error: WharfError, head = false): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({
    errors: [
      {
        code: error.wireCode,
        message: error.message,
        ...(error.detail === undefined ? {} : { detail: error.detail }),
      },
    ],
  });
  res.statusCode = error.status;
  for (const [name, value] of Object.entries(hintHeaders(error.hints))) res.setHeader(name, value);
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Content-Length", Buffer.byteLength(body));
  boundUnreadBody(res);
  res.end(head ? undefined : body);
}

/** The response headers that carry an error's hints; the one place each hint meets its header name. */
export function hintHeaders(hints: ErrorHints): Record<string, string> {
  const headers: Record<string, string> = {};
  if (hints.retryAfterSeconds !== undefined) headers["Retry-After"] = String(hints.retryAfterSeconds);
  if (hints.allow !== undefined) headers.Allow = hints.allow.join(", ");
  if (hints.challenge !== undefined) headers["WWW-Authenticate"] = hints.challenge;
  if (hints.upload !== undefined) {
    headers.Range = uploadRange(hints.upload.received);
    if (hints.upload.id !== undefined) headers["Docker-Upload-UUID"] = hints.upload.id;
  }
  if (hints.resourceSize !== undefined) headers["Content-Range"] = `bytes */${hints.resourceSize}`;
  return headers;
}

/** Writes a JSON body with `status`. */
export function writeJson(res: ServerResponse, status: number, value: unknown, contentType = "application/json"): void {
  const body = JSON.stringify(value);
  res.statusCode = status;
  res.setHeader("Content-Type", contentType);
  res.setHeader("Content-Length", Buffer.byteLength(body));
  res.end(body);
}
