/**
 * @module
 * `n`/`last` pagination for tags and the catalog, with the RFC 5988 `Link`
 * header pointing at the next page when there is one.
 */
import type { ServerResponse } from "node:http";
import { WharfError } from "../../errors/wharf-error.ts";

/** Page size when the client gives no `n`. */
export const defaultPageSize = 1000;
/** Largest page a client may ask for. */
export const maxPageSize = 10_000;

/** A requested page. */
export interface PageRequest {
  readonly limit: number;
  readonly last: string | undefined;
}

/** Reads `n` and `last`; PAGINATION_NUMBER_INVALID for a bad `n`. */
export function readPage(query: URLSearchParams): PageRequest {
  const n = query.get("n");
  const last = query.get("last") ?? undefined;
  if (n === null || n === "") return { limit: defaultPageSize, last };
  if (!/^\d{1,9}$/.test(n)) {
    throw new WharfError(
      "PAGINATION_NUMBER_INVALID",
      `n must be a whole number from 0 to ${maxPageSize}, not ${JSON.stringify(n.slice(0, 20))}`,
    );
  }
  return { limit: Math.min(Number(n), maxPageSize), last };
}

/**
 * Trims a result fetched with `limit + 1` rows to the page and sets `Link`
 * when a further row proved there is a next page.
 */
export function finishPage(res: ServerResponse, path: string, page: PageRequest, rows: string[]): string[] {
  if (rows.length <= page.limit) return rows;
  const items = rows.slice(0, page.limit);
  const last = items[items.length - 1];
  if (last !== undefined) {
    res.setHeader("Link", `<${path}?n=${page.limit}&last=${encodeURIComponent(last)}>; rel="next"`);
  }
  return items;
}
