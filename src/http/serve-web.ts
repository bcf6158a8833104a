/**
 * @module
 * The web portal's static files (`dist/web`, built by scripts/build.sh from
 * `web/`), mounted last so every other route wins. GET and HEAD only; files
 * under `/assets/` have content hashes in their names and are cached for a
 * year, everything else is revalidated. A path without a file is the
 * single-page app's own route: a browser (Accept: text/html) gets
 * `index.html`, other clients keep the 404. Every answer carries a strict
 * Content-Security-Policy (same-origin scripts, styles and API calls only; no
 * framing).
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, resolve, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import { WharfError } from "../errors/wharf-error.ts";
import type { Mount } from "./create-http-server.ts";

/** Where the built portal lives: `dist/web` beside `src/` and `dist/`. */
export const webRoot = resolve(import.meta.dirname, "..", "..", "dist", "web");

const contentTypes: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

const securityHeaders: Readonly<Record<string, string>> = {
  "Content-Security-Policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
    "manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
};

async function fileAt(root: string, path: string): Promise<{ file: string; size: number } | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  if (decoded.includes("\0") || decoded.split("/").includes("..")) return undefined;
  const file = resolve(join(root, decoded));
  if (file !== root && !file.startsWith(root + sep)) return undefined;
  const info = await stat(file).catch(() => undefined);
  return info?.isFile() ? { file, size: info.size } : undefined;
}

function wantsHtml(req: IncomingMessage): boolean {
  return (req.headers.accept ?? "").includes("text/html");
}

/** The portal mount over `root` (default {@link webRoot}). */
export function webMount(root: string = webRoot): Mount {
  return {
    prefix: "",
    id: "web",
    async handle(req: IncomingMessage, res: ServerResponse, _query: URLSearchParams, path: string) {
      if (path.startsWith("/api/")) {
        // Reached only when the API is not mounted: accounts are off.
        throw new WharfError("NOT_FOUND", "the management API and the portal's sign-in need auth.enabled: true");
      }
      if (req.method !== "GET" && req.method !== "HEAD") {
        throw new WharfError("NOT_FOUND", `nothing is served at ${path.slice(0, 200)}`);
      }
      let found = path === "/" ? undefined : await fileAt(root, path);
      const asset = path.startsWith("/assets/");
      if (!found && !asset && (path === "/" || wantsHtml(req))) found = await fileAt(root, "/index.html");
      if (!found) {
        if (path === "/" || (wantsHtml(req) && !asset)) {
          throw new WharfError("NOT_FOUND", "the web portal is not built: run npm run build (scripts/build.sh)");
        }
        throw new WharfError("NOT_FOUND", `nothing is served at ${path.slice(0, 200)}`);
      }
      for (const [name, value] of Object.entries(securityHeaders)) res.setHeader(name, value);
      res.setHeader("Content-Type", contentTypes[extname(found.file)] ?? "application/octet-stream");
      res.setHeader("Content-Length", found.size);
      res.setHeader("Cache-Control", asset ? "public, max-age=31536000, immutable" : "no-cache");
      if (req.method === "HEAD") {
        res.end();
        return;
      }
      await pipeline(createReadStream(found.file), res);
    },
  };
}
