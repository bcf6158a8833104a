/**
 * @module
 * `GET|HEAD /api/v1/apps/{app}/releases/{version}/bundle`: the release's
 * airgap bundle, built on the server on first request and cached, sent as
 * `application/x-tar` with `Accept-Ranges: bytes`. One `Range: bytes=a-b`
 * (or `a-`, or `-n`) gives 206 with `Content-Range`, so an interrupted
 * download resumes; `If-Range` with another ETag gives the whole file.
 * Authentication is the API's (a license sends its id as username and
 * password); who may download is the releases service's decision.
 * A license's download (whole or a range) is one `bundle` row in its pull
 * records, with the bytes actually sent.
 * Query: `since-release=<v>` asks for a delta on top of a release the
 * customer has, `platform=linux/amd64,…` for only those platforms.
 */
import { createReadStream } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import type { AuditLog } from "../../accounts/audit-log.ts";
import type { CredentialVerifier } from "../../accounts/credential-verifier.ts";
import { WharfError } from "../../errors/wharf-error.ts";
import type { ServedPull } from "../../licensing/pull-recorder.ts";
import type { BundleRequest, ReleaseService } from "../../releases/release-service.ts";
import { clientAddress } from "../auth/request-credentials.ts";
import { authenticateApiRequest } from "./api-authenticate.ts";
import { paramSchemas } from "./api-schemas.ts";
import { withReleaseErrors } from "./release-errors.ts";

const pattern = /^\/api\/v1\/apps\/([^/]+)\/releases\/([^/]+)\/bundle$/;

/** True when `path` is a bundle download. */
export function isBundlePath(path: string): boolean {
  return pattern.test(path);
}

/** The byte range asked for, inclusive; undefined for the whole file. Throws RANGE_INVALID when unsatisfiable. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) {
    throw new WharfError("RANGE_INVALID", "send one range as bytes=<first>-[<last>] or bytes=-<suffix length>");
  }
  let start: number;
  let end: number;
  if (match[1] === "") {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end) throw new WharfError("RANGE_INVALID", `the bundle has ${size} bytes`);
  return { start, end };
}

const bundleQuery = new Set(["since-release", "platform"]);

/** The bundle variant asked for in the query; INVALID_REQUEST for another parameter or a repeated one. */
function bundleRequest(query: URLSearchParams | undefined): BundleRequest {
  if (query === undefined) return {};
  for (const key of new Set(query.keys())) {
    if (!bundleQuery.has(key))
      throw new WharfError(
        "INVALID_REQUEST",
        `unknown query parameter ${JSON.stringify(key.slice(0, 50))}: use since-release or platform`,
      );
    if (query.getAll(key).length > 1) throw new WharfError("INVALID_REQUEST", `give ${key} once`);
  }
  const since = query.get("since-release");
  const platforms = query.get("platform");
  if (since !== null && (since === "" || since.length > 128))
    throw new WharfError("INVALID_REQUEST", "since-release takes a release version");
  if (platforms !== null && platforms.length > 1000) throw new WharfError("INVALID_REQUEST", "platform is too long");
  return { ...(since !== null && { sinceRelease: since }), ...(platforms !== null && { platforms }) };
}

/** What the download needs. */
export interface BundleDownloadDeps {
  readonly releases: ReleaseService;
  readonly verifier: CredentialVerifier;
  readonly audit: AuditLog;
  /** Where a license's download goes into its pull records (kind `bundle`, the release, the bytes sent). */
  readonly recordPull?: (pull: ServedPull) => void;
}

/** Creates the download handler (called by the API mount for bundle paths). */
export function createBundleDownload(deps: BundleDownloadDeps) {
  return async (req: IncomingMessage, res: ServerResponse, path: string, query?: URLSearchParams): Promise<void> => {
    res.setHeader("Cache-Control", "no-store");
    if (req.method !== "GET" && req.method !== "HEAD") {
      throw new WharfError("UNSUPPORTED", "use GET or HEAD on a release bundle", { allow: ["GET", "HEAD"] });
    }
    const [, rawApp, rawVersion] = pattern.exec(path)!;
    const app = paramSchemas.app!.parse(decodeURIComponent(rawApp!));
    const version = decodeURIComponent(rawVersion!);
    const principal = await authenticateApiRequest(req, deps.verifier, deps.audit);
    const caller = { principal, remote: clientAddress(req) };
    const request = bundleRequest(query);
    const bundle = await withReleaseErrors(() => deps.releases.bundle(caller, app, version, request));
    try {
      const etag = `"${bundle.size.toString(16)}-${Math.floor(bundle.mtimeMs).toString(16)}"`;
      const ifRange = req.headers["if-range"];
      const range = ifRange !== undefined && ifRange !== etag ? undefined : parseRange(req.headers.range, bundle.size);
      res.setHeader("Accept-Ranges", "bytes");
      res.setHeader("ETag", etag);
      res.setHeader("Content-Type", "application/x-tar");
      res.setHeader("Content-Disposition", `attachment; filename="${bundle.name}"`);
      const start = range?.start ?? 0;
      const end = range?.end ?? bundle.size - 1;
      if (range) {
        res.statusCode = 206;
        res.setHeader("Content-Range", `bytes ${start}-${end}/${bundle.size}`);
      }
      res.setHeader("Content-Length", String(bundle.size === 0 ? 0 : end - start + 1));
      if (req.method === "HEAD" || bundle.size === 0) {
        res.end();
        return;
      }
      let sent = 0;
      const file = createReadStream(bundle.path, { start, end, highWaterMark: 1 << 20 });
      file.on("data", (chunk) => {
        sent += chunk.length;
      });
      try {
        await pipeline(file, res);
      } finally {
        deps.recordPull?.({
          subject: principal,
          repository: app,
          reference: version,
          digest: undefined,
          kind: "bundle",
          bytes: sent,
          remote: caller.remote,
        });
      }
    } finally {
      bundle.done();
    }
  };
}
