/**
 * @module
 * What the quota service tells the rest of Wharf: a namespace's usage
 * crossed its warning threshold (once per crossing: it is reported again
 * only after usage fell below the threshold and rose past it again), and a
 * blob refused for going over the limit. The server records warnings in the
 * audit log and hands both to a publish hook (webhooks wire it; by default
 * it does nothing). Callbacks must not throw or block: they run on the push path.
 */

/** A namespace's usage crossed (or, for `exceeded`, would go over) a threshold. */
export interface QuotaEvent {
  readonly namespace: string;
  /** The quota in bytes. */
  readonly limit: number;
  /** Bytes used, counting the blob being pushed. */
  readonly used: number;
  /** The warning threshold in percent of the limit. */
  readonly warnPercent: number;
  /** Milliseconds since the epoch. */
  readonly at: number;
}

/** Receivers of quota events. */
export interface QuotaEvents {
  /** Usage rose past the warning threshold. */
  warning(event: QuotaEvent): void;
  /** A blob was refused: it would have taken the namespace over its quota. */
  exceeded(event: QuotaEvent): void;
}

/** Receivers that do nothing (the default publish hook). */
export const noQuotaEvents: QuotaEvents = { warning: () => undefined, exceeded: () => undefined };

/** Calls every receiver in turn. */
export function combineQuotaEvents(...receivers: readonly QuotaEvents[]): QuotaEvents {
  return {
    warning: (event) => {
      for (const r of receivers) r.warning(event);
    },
    exceeded: (event) => {
      for (const r of receivers) r.exceeded(event);
    },
  };
}

/** Receivers that publish each event as `quota.warning` / `quota.exceeded` (the webhooks' emitter). */
export function publishedQuotaEvents(events: {
  publish(event: { readonly type: string; readonly namespace: string; readonly [field: string]: unknown }): void;
}): QuotaEvents {
  return {
    warning: (event) => events.publish({ ...event, type: "quota.warning" }),
    exceeded: (event) => events.publish({ ...event, type: "quota.exceeded" }),
  };
}
