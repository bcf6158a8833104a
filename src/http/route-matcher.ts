/**
 * @module
 * The one route matcher both dispatchers use (`/v2` and `/api/v1`): routes
 * are data (a pattern over the raw path and the methods it answers), matched
 * in table order. A path no pattern matches is `no-route`; a path whose
 * patterns do not answer the method is `no-method` with the methods they do
 * answer, for the `Allow` hint. Each dispatcher words its own errors.
 */

/** What the matcher needs to know of a route. */
export interface RouteShape {
  /** Matches the whole raw (undecoded) path; its groups are the path parameters. */
  readonly pattern: RegExp;
  /** The methods the route answers. */
  readonly methods: readonly string[];
}

/** The outcome of matching one request. */
export type RouteMatch<R> =
  | { readonly kind: "found"; readonly route: R; readonly groups: readonly string[] }
  | { readonly kind: "no-route" }
  /** `route` is the first route whose pattern matched (for metrics labels). */
  | { readonly kind: "no-method"; readonly route: R; readonly allow: readonly string[] };

/**
 * Compiles `routes` (each described by `shape`) into a matcher. The first
 * route in table order whose pattern matches and that answers `method` wins;
 * `allow` lists, in table order and without repeats, the methods of every
 * route whose pattern matches.
 */
export function createRouteMatcher<R>(
  routes: readonly R[],
  shape: (route: R) => RouteShape,
): (method: string, path: string) => RouteMatch<R> {
  const table = routes.map((route) => ({ route, ...shape(route) }));
  return (method, path) => {
    const allow: string[] = [];
    let first: R | undefined;
    for (const entry of table) {
      const found = entry.pattern.exec(path);
      if (!found) continue;
      if (entry.methods.includes(method)) return { kind: "found", route: entry.route, groups: found.slice(1) };
      first ??= entry.route;
      for (const m of entry.methods) if (!allow.includes(m)) allow.push(m);
    }
    return first === undefined ? { kind: "no-route" } : { kind: "no-method", route: first, allow };
  };
}
