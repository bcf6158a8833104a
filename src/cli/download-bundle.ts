/**
 * @module
 * Downloads a release's server-built bundle with a license, resumably: the
 * bytes grow in `<out>.partial`, and a later run asks only for the rest
 * (`Range: bytes=<have>-` with `If-Range` on the ETag it started with, kept
 * in `<out>.partial.etag`). A server that answers 200 instead of 206 (the
 * bundle changed, or no range support) restarts the file from zero. The
 * file gets its name only when complete.
 */
import { createWriteStream } from "node:fs";
import { readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { BundleError } from "../airgap/bundle-error.ts";
import { normalizeServer } from "./cli-api.ts";

/** What to download and where. */
export interface BundleDownload {
  readonly server: string;
  readonly app: string;
  readonly release: string;
  /** The license id: sent as username and password. */
  readonly license: string;
  readonly out: string;
  /** A delta on top of this release (`since-release`). */
  readonly sinceRelease?: string;
  /** Only these platforms (`linux/amd64,…`). */
  readonly platforms?: string;
}

/** Downloads the bundle into `out`; resolves to the bytes fetched by this run. */
export async function downloadBundle(download: BundleDownload): Promise<number> {
  const partial = `${download.out}.partial`;
  const etagFile = `${partial}.etag`;
  const have = (await stat(partial).catch(() => undefined))?.size ?? 0;
  const etag = have > 0 ? await readFile(etagFile, "utf8").catch(() => undefined) : undefined;
  const base = `${normalizeServer(download.server)}/api/v1/apps/${encodeURIComponent(download.app)}/releases/${encodeURIComponent(download.release)}/bundle`;
  const query = new URLSearchParams();
  if (download.sinceRelease !== undefined) query.set("since-release", download.sinceRelease);
  if (download.platforms !== undefined) query.set("platform", download.platforms);
  const url = query.size > 0 ? `${base}?${query}` : base;
  const authorization = `Basic ${Buffer.from(`${download.license}:${download.license}`).toString("base64")}`;
  const headers: Record<string, string> = { authorization };
  if (have > 0 && etag !== undefined) Object.assign(headers, { range: `bytes=${have}-`, "if-range": etag });
  let res: Response;
  try {
    res = await fetch(url, { headers });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    throw new BundleError("source", `cannot reach ${download.server}: ${cause?.code ?? (error as Error).message}`);
  }
  if (res.status === 416 && have > 0) {
    // Already whole: the partial file holds every byte.
    await rename(partial, download.out);
    await rm(etagFile, { force: true });
    return 0;
  }
  if (res.status !== 200 && res.status !== 206) {
    const text = await res.text();
    let message = `the server answered ${res.status}`;
    try {
      message = (JSON.parse(text) as { errors: { message: string }[] }).errors[0]!.message;
    } catch {}
    throw new BundleError("source", `downloading ${download.app} ${download.release}: ${message}`);
  }
  const append = res.status === 206;
  const newTag = res.headers.get("etag");
  if (!append && newTag !== null) await writeFile(etagFile, newTag);
  const body = Readable.fromWeb(res.body as import("node:stream/web").ReadableStream);
  let fetched = 0;
  body.on("data", (chunk: Buffer) => {
    fetched += chunk.length;
  });
  await pipeline(body, createWriteStream(partial, { flags: append ? "a" : "w" }));
  await rename(partial, download.out);
  await rm(etagFile, { force: true });
  return fetched;
}
