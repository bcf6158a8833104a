/**
 * @module
 * The chart delivery's one entry point. `createChartDelivery` wraps the
 * server's repository resolver: for a license, names in its application's
 * namespace — `<app>/<chart>` and the channel path `<app>/<channel>/<chart>`
 * (licensing/channel-path.ts) — resolve to the vendor's repository seen
 * through the chart delivery repository, which renders Helm charts with the
 * license's values; every other reader, and every other name, resolves as
 * before. Tags a repository's promotions (licensing/chart-channels.ts) keep
 * from the license's channel are hidden from it. Wired only in server.ts.
 */

import { channelSourceName } from "../licensing/channel-path.ts";
import type { FindLicenseFacts } from "../licensing/license-facts.ts";
import type { RepositoryResolver } from "../registry/repository.ts";
import { chartDeliveryRepository, type VisibleTags } from "./chart-delivery-repository.ts";
import { createRenderCache } from "./render-cache.ts";

/** What the chart delivery is built from. */
export interface ChartDeliveryOptions {
  /** The facts of a license (by row id), read on every chart pull. */
  readonly facts: FindLicenseFacts;
  /** Bytes of rendered charts kept in memory (64 MiB by default). */
  readonly cacheBytes?: number;
  /** The tags of a vendor repository a channel sees (undefined: all); every tag when not given. */
  readonly visibleTags?: VisibleTags;
}

/** Wraps a resolver so that licenses pull charts rendered for them. */
export function createChartDelivery(options: ChartDeliveryOptions): (inner: RepositoryResolver) => RepositoryResolver {
  const deps = {
    facts: options.facts,
    cache: createRenderCache(options.cacheBytes ?? 64 * 1024 * 1024),
    visibleTags: options.visibleTags ?? (async () => undefined),
  };
  return (inner) => async (name, reader) => {
    const principal = reader?.principal;
    if (principal?.kind !== "license" || !name.startsWith(`${principal.appSlug}/`)) return inner(name, reader);
    const sourceName = channelSourceName(principal, name);
    const source = await inner(sourceName, reader);
    return chartDeliveryRepository(source, name, { principal, registry: reader!.host, sourceName }, deps);
  };
}
