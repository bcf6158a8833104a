/**
 * @module
 * Namespace quotas: a namespace (the first segment of its repositories'
 * names, e.g. `shop` of `shop/api`) may be limited to a number of bytes,
 * counted as the distinct blobs linked in its repositories — a layer shared
 * by ten of them counts once. A blob that would take the namespace over its
 * limit is refused (`quota-exceeded`, DENIED on the wire) naming the limit and the usage; a blob the
 * namespace already holds is always accepted (it costs nothing). The
 * pull-through proxy's cache (`proxy/…`) has no quota. Usage includes links
 * nothing references any more until garbage collection removes them.
 * Concurrent pushes are checked independently, so a namespace can end up
 * over its limit by what was in flight at once.
 *
 * Each namespace has a warning threshold (`warnPercent` of its limit,
 * {@link defaultWarnPercent} unless set). A push that takes usage to it or
 * past it raises one warning (quota-events.ts), recorded in the database so
 * it is raised once per crossing, not per push, on any node; usage seen below
 * the threshold again (a push after gc, `quota show`, a raised limit)
 * clears it.
 */
import type { QuotaMetadata, QuotaRow } from "../metadata/quota-metadata.ts";
import { formatByteSize } from "./byte-size.ts";
import { QuotaError } from "./quota-error.ts";
import { noQuotaEvents, type QuotaEvents } from "./quota-events.ts";

/** A namespace's limit and usage, with its warning threshold and state. */
export interface QuotaStatus {
  readonly namespace: string;
  readonly limit: number | null;
  readonly used: number;
  /** The warning threshold in percent of the limit. */
  readonly warnPercent: number;
  /** When usage crossed the threshold; null while it is below. */
  readonly warnedAt: string | null;
}

/** The warning threshold of a namespace that sets none, in percent. */
export const defaultWarnPercent = 80;

/** Options of the quota service. */
export interface QuotaOptions {
  readonly events?: QuotaEvents;
  readonly now?: () => number;
}

/** The quota service. */
export type Quotas = ReturnType<typeof createQuotas>;

function namespaceOf(repository: string): string {
  return repository.split("/", 1)[0]!;
}

/** Creates the quota service over its store. */
export function createQuotas(store: QuotaMetadata, options: QuotaOptions = {}) {
  const events = options.events ?? noQuotaEvents;
  const now = options.now ?? Date.now;

  /** Moves the warning state to match `used`; raises the warning on a crossing. Returns the state. */
  async function settle(row: QuotaRow, used: number): Promise<number | undefined> {
    const warnPercent = row.warnPercent ?? defaultWarnPercent;
    const above = used * 100 >= row.maxBytes * warnPercent;
    if (above === (row.warnedAt !== undefined)) return row.warnedAt;
    const at = now();
    if (!(await store.markWarned(row.namespace, above ? at : undefined))) return row.warnedAt;
    if (above) events.warning({ namespace: row.namespace, limit: row.maxBytes, used, warnPercent, at });
    return above ? at : undefined;
  }

  async function status(namespace: string): Promise<QuotaStatus> {
    const row = await store.quota(namespace);
    const used = await store.usage(namespace);
    if (!row) return { namespace, limit: null, used, warnPercent: defaultWarnPercent, warnedAt: null };
    const warnedAt = await settle(row, used);
    return {
      namespace,
      limit: row.maxBytes,
      used,
      warnPercent: row.warnPercent ?? defaultWarnPercent,
      warnedAt: warnedAt === undefined ? null : new Date(warnedAt).toISOString(),
    };
  }

  return {
    /**
     * Refuses (`quota-exceeded`) storing a `size`-byte blob `digest` in `repository`
     * when it would take the namespace over its quota.
     */
    async check(repository: string, digest: string, size: number): Promise<void> {
      if (repository.startsWith("proxy/")) return;
      const namespace = namespaceOf(repository);
      const row = await store.quota(namespace);
      if (row === undefined || (await store.holds(namespace, digest))) return;
      const limit = row.maxBytes;
      const used = await store.usage(namespace);
      if (used + size <= limit) {
        await settle(row, used + size);
        return;
      }
      const warnPercent = row.warnPercent ?? defaultWarnPercent;
      events.exceeded({ namespace, limit, used: used + size, warnPercent, at: now() });
      throw new QuotaError(
        "quota-exceeded",
        `namespace ${namespace} is over its quota: it uses ${formatByteSize(used)} (${used} bytes) of its ${formatByteSize(limit)} (${limit} bytes) quota and this blob needs ${size} bytes more; delete tags or repositories and run \`wharf gc\`, or ask an administrator to raise it (\`wharf quota set ${namespace} <size>\`)`,
        { data: { namespace, limit, used, size } },
      );
    },

    /** Sets a namespace's limit in bytes and, when given, its warning threshold (null: the default). */
    async set(namespace: string, bytes: number, warnPercent?: number | null): Promise<QuotaStatus> {
      await store.setLimit(namespace, bytes, warnPercent);
      return status(namespace);
    },

    /** Removes a namespace's limit; `not-found` when it had none. */
    async remove(namespace: string): Promise<void> {
      if (!(await store.removeLimit(namespace))) {
        throw new QuotaError("not-found", `namespace ${namespace} has no quota`);
      }
    },

    /** A namespace's limit (null: none), usage and warning state. */
    show(namespace: string): Promise<QuotaStatus> {
      return status(namespace);
    },

    /** Every namespace with a limit, with its usage and warning state. */
    async list(): Promise<QuotaStatus[]> {
      const out: QuotaStatus[] = [];
      for (const row of await store.limits()) out.push(await status(row.namespace));
      return out;
    },
  };
}
