/**
 * @module
 * Namespace quotas in the database: the limits, and each namespace's usage —
 * the sum of the sizes of the distinct blobs linked in its repositories (a
 * blob linked by several of them counts once).
 */

/** A namespace's limit. */
export interface QuotaRow {
  readonly namespace: string;
  readonly maxBytes: number;
}

/** The quota store. */
export interface QuotaMetadata {
  /** The namespace's limit, or undefined when it has none. */
  limit(namespace: string): Promise<number | undefined>;
  /** Every limit, by namespace name. */
  limits(): Promise<QuotaRow[]>;
  /** Sets (or replaces) a limit. */
  setLimit(namespace: string, maxBytes: number): Promise<void>;
  /** Removes a limit; false when there was none. */
  removeLimit(namespace: string): Promise<boolean>;
  /** Bytes of the distinct blobs linked in the namespace's repositories. */
  usage(namespace: string): Promise<number>;
  /** True when `digest` is linked in a repository of the namespace. */
  holds(namespace: string, digest: string): Promise<boolean>;
}
