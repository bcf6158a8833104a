/**
 * @module
 * Namespace quotas: a namespace (the first segment of its repositories'
 * names, e.g. `shop` of `shop/api`) may be limited to a number of bytes,
 * counted as the distinct blobs linked in its repositories — a layer shared
 * by ten of them counts once. A blob that would take the namespace over its
 * limit is refused with DENIED naming the limit and the usage; a blob the
 * namespace already holds is always accepted (it costs nothing). The
 * pull-through proxy's cache (`proxy/…`) has no quota. Usage includes links
 * nothing references any more until garbage collection removes them.
 * Concurrent pushes are checked independently, so a namespace can end up
 * over its limit by what was in flight at once.
 */
import { WharfError } from "../errors/wharf-error.ts";
import type { QuotaMetadata } from "../metadata/quota-metadata.ts";
import { formatByteSize } from "./byte-size.ts";

/** A namespace's limit and usage. */
export interface QuotaStatus {
  readonly namespace: string;
  readonly limit: number | null;
  readonly used: number;
}

/** The quota service. */
export type Quotas = ReturnType<typeof createQuotas>;

function namespaceOf(repository: string): string {
  return repository.split("/", 1)[0]!;
}

/** Where quota events go (webhooks' `publish`): `quota.exceeded`, `quota.warning`. */
export interface QuotaEvents {
  publish(event: { readonly type: string; readonly namespace: string; readonly [field: string]: unknown }): void;
}

/** Creates the quota service over its store; `events` is told of refusals (and warnings). */
export function createQuotas(store: QuotaMetadata, events?: QuotaEvents) {
  return {
    /**
     * Refuses (DENIED) storing a `size`-byte blob `digest` in `repository`
     * when it would take the namespace over its quota.
     */
    async check(repository: string, digest: string, size: number): Promise<void> {
      if (repository.startsWith("proxy/")) return;
      const namespace = namespaceOf(repository);
      const limit = await store.limit(namespace);
      if (limit === undefined || (await store.holds(namespace, digest))) return;
      const used = await store.usage(namespace);
      if (used + size <= limit) return;
      events?.publish({ type: "quota.exceeded", namespace, limit, used, size });
      throw new WharfError(
        "DENIED",
        `namespace ${namespace} is over its quota: it uses ${formatByteSize(used)} (${used} bytes) of its ${formatByteSize(limit)} (${limit} bytes) quota and this blob needs ${size} bytes more; delete tags or repositories and run \`wharf gc\`, or ask an administrator to raise it (\`wharf quota set ${namespace} <size>\`)`,
        { detail: { namespace, limit, used, size } },
      );
    },

    /** Sets a namespace's limit in bytes. */
    async set(namespace: string, bytes: number): Promise<QuotaStatus> {
      await store.setLimit(namespace, bytes);
      return { namespace, limit: bytes, used: await store.usage(namespace) };
    },

    /** Removes a namespace's limit; NOT_FOUND when it had none. */
    async remove(namespace: string): Promise<void> {
      if (!(await store.removeLimit(namespace))) {
        throw new WharfError("NOT_FOUND", `namespace ${namespace} has no quota`);
      }
    },

    /** A namespace's limit (null: none) and usage. */
    async show(namespace: string): Promise<QuotaStatus> {
      return { namespace, limit: (await store.limit(namespace)) ?? null, used: await store.usage(namespace) };
    },

    /** Every namespace with a limit, with its usage. */
    async list(): Promise<QuotaStatus[]> {
      const out: QuotaStatus[] = [];
      for (const row of await store.limits()) {
        out.push({ namespace: row.namespace, limit: row.maxBytes, used: await store.usage(row.namespace) });
      }
      return out;
    },
  };
}
