/**
 * @module
 * Blob offload to the reverse proxy in front (`storage.filesystem.offload`):
 * Wharf authorizes and looks the blob up, then answers with a header naming
 * the blob's file and no body; the proxy sends the file itself (sendfile,
 * Range included). nginx takes `X-Accel-Redirect` with a URI of an
 * `internal` location; Apache (mod_xsendfile), lighttpd and Caddy plugins
 * take `X-Sendfile` with the file's absolute path.
 */
import { isAbsolute, resolve } from "node:path";
import type { Digest } from "../digest/digest.ts";
import { blobDataPath } from "../storage/blob-paths.ts";

/** How a blob GET is handed to the proxy: which header (by kind) and its value. */
export interface BlobOffload {
  readonly kind: "x-accel-redirect" | "x-sendfile";
  /** The internal URI (`x-accel-redirect`) or the absolute file path (`x-sendfile`). */
  readonly target: string;
}

/** The offload settings of the filesystem storage, as configured. */
export interface OffloadSettings {
  readonly offload?: "none" | "x-accel-redirect" | "x-sendfile";
  /** The internal location's prefix (`storage.filesystem.accelRedirect`); setting it alone means `x-accel-redirect`. */
  readonly accelRedirect?: string;
}

/** The prefix nginx's internal location uses when `offload: x-accel-redirect` names none. */
export const defaultAccelPrefix = "/_wharf_blobs";

/**
 * The function that names a blob for the proxy, or undefined when offload is
 * off. `root` is the storage root (made absolute here for X-Sendfile).
 */
export function blobOffloader(settings: OffloadSettings, root: string): ((digest: Digest) => BlobOffload) | undefined {
  const kind = settings.offload ?? (settings.accelRedirect === undefined ? "none" : "x-accel-redirect");
  if (kind === "none") return undefined;
  if (kind === "x-sendfile") {
    const base = isAbsolute(root) ? root : resolve(root);
    return (digest) => ({ kind, target: `${base}/${blobDataPath(digest)}` });
  }
  const prefix = settings.accelRedirect ?? defaultAccelPrefix;
  return (digest) => ({ kind, target: `${prefix}/${blobDataPath(digest)}` });
}
