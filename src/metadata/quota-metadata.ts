/**
 * @module
 * Namespace quotas in the database: the limits, and each namespace's usage —
 * the sum of the sizes of the distinct blobs linked in its repositories (a
 * blob linked by several of them counts once).
 */

/** A namespace's limit, its warning threshold and warning state. */
export interface QuotaRow {
  readonly namespace: string;
  readonly maxBytes: number;
  /** Percent of the limit that raises a warning; undefined: the default. */
  readonly warnPercent: number | undefined;
  /** When usage crossed the threshold (the warning was raised); undefined while below it. */
  readonly warnedAt: number | undefined;
}

/** The quota store. */
export interface QuotaMetadata {
  /** The namespace's limit, or undefined when it has none. */
  limit(namespace: string): Promise<number | undefined>;
  /** Every limit, by namespace name. */
  limits(): Promise<QuotaRow[]>;
  /** The namespace's quota row, or undefined when it has none. */
  quota(namespace: string): Promise<QuotaRow | undefined>;
  /** Sets (or replaces) a limit; a given `warnPercent` replaces the threshold (null: back to the default). */
  setLimit(namespace: string, maxBytes: number, warnPercent?: number | null): Promise<void>;
  /**
   * Moves the warning state: `at` a time marks the namespace warned if it was
   * not, undefined clears a warning. True when this call changed the state
   * (so among concurrent pushes exactly one reports a crossing).
   */
  markWarned(namespace: string, at: number | undefined): Promise<boolean>;
  /** Removes a limit; false when there was none. */
  removeLimit(namespace: string): Promise<boolean>;
  /** Bytes of the distinct blobs linked in the namespace's repositories. */
  usage(namespace: string): Promise<number>;
  /** True when `digest` is linked in a repository of the namespace. */
  holds(namespace: string, digest: string): Promise<boolean>;
}
