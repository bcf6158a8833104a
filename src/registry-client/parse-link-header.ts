/**
 * @module
 * Reads the `Link` header (RFC 8288) that registries use to paginate tag
 * lists and catalogs: `</v2/app/tags/list?n=100&last=v9>; rel="next"`.
 * Registries differ in quoting and in the order of parameters, and some
 * send several links, so it is parsed, not matched with one pattern.
 */

const linkValue = /<([^>]*)>((?:\s*;\s*[^;,<]*)*)/g;
const relParam = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,"]+))/i;

/**
 * The target of the first link whose `rel` includes `next` (rel may list
 * several space-separated relations, compared case-insensitively), exactly
 * as written — usually a path and query to resolve against the request
 * URL. Undefined when the header is absent or has no next link.
 */
export function nextLink(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  for (const match of header.matchAll(linkValue)) {
    const rel = relParam.exec(match[2] ?? "");
    const relations = (rel?.[1] ?? rel?.[2] ?? "").toLowerCase().split(/\s+/);
    if (relations.includes("next")) return match[1];
  }
  return undefined;
}
