/**
 * @module
 * Keeps slow clients from holding a request open: an ordinary request
 * (token endpoint, management API, manifests, anything that is not a blob
 * upload) must arrive whole within a deadline; a blob upload body may take
 * as long as it needs but must keep a minimum rate. The rate is read from
 * the socket's byte counter once per window, so nothing runs per chunk.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { WharfError } from "../errors/wharf-error.ts";
import type { HttpLimits } from "./http-limits.ts";
import { writeError } from "./write-error.ts";

const uploadPath = /^\/v2\/.+\/blobs\/uploads\//;

/** True for requests whose body is blob bytes (POST, PATCH and PUT under `/blobs/uploads/`). */
function isBlobUpload(req: IncomingMessage, path: string): boolean {
  const method = req.method;
  return (method === "PATCH" || method === "PUT" || method === "POST") && uploadPath.test(path);
}

function refuseLate(req: IncomingMessage, res: ServerResponse, timeoutMs: number): void {
  const socket = req.socket;
  if (res.headersSent) {
    socket.destroy();
    return;
  }
  res.setHeader("Connection", "close");
  writeError(
    res,
    new WharfError(
      "REQUEST_TIMEOUT",
      `the request did not arrive whole within ${timeoutMs} ms (limits.requestTimeout); send it faster`,
    ),
  );
  res.once("finish", () => socket.destroy());
}

/**
 * Arms the guard for one request; it disarms itself when the response
 * closes. `onCut` hears each request cut (for the log), with the reason.
 */
export function guardRequestBody(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  limits: HttpLimits,
  onCut: (reason: string) => void,
): void {
  if (!isBlobUpload(req, path)) {
    const timer = setTimeout(() => {
      if (req.complete || res.writableFinished) return;
      onCut(`request not received within ${limits.requestTimeoutMs} ms`);
      refuseLate(req, res, limits.requestTimeoutMs);
    }, limits.requestTimeoutMs);
    res.once("close", () => clearTimeout(timer));
    return;
  }
  const minBytes = (limits.uploadMinBytesPerSecond * limits.uploadRateWindowMs) / 1000;
  const socket = req.socket;
  let seen = socket.bytesRead;
  const timer = setInterval(() => {
    if (req.complete) return clearInterval(timer);
    const now = socket.bytesRead;
    // Bytes waiting in our own buffer mean we are the slow side (storage), not the client.
    const stalled = now - seen < minBytes && req.readableLength === 0;
    seen = now;
    if (!stalled) return;
    clearInterval(timer);
    onCut(`upload body slower than ${limits.uploadMinBytesPerSecond} bytes/s over ${limits.uploadRateWindowMs} ms`);
    socket.destroy();
  }, limits.uploadRateWindowMs);
  res.once("close", () => clearInterval(timer));
}
