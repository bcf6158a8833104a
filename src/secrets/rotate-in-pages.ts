/**
 * @module
 * The walk every key rotation shares: page through the rows not yet under
 * the current key version (by id, so rows written meanwhile are not missed
 * or seen twice), re-encrypt each, and count what happened. Pull secrets and
 * external registries each bring their own row query and row rotation.
 */

/** What re-encrypting one row did: done, changed by someone else meanwhile, or why it failed. */
export type RowRotation = "reencrypted" | "changed" | { readonly reason: string };

/** The counts of a rotation, failures named by `label`. */
export interface RotationCounts {
  readonly reencrypted: number;
  readonly changedMeanwhile: number;
  readonly failed: { readonly orgId: number; readonly secret: string; readonly reason: string }[];
}

/**
 * Calls `stale(afterId, 100)` until it returns no rows, rotating each row
 * with `rotate`; a failed row is listed as `{ orgId, secret: label(row) }`.
 */
export async function rotateInPages<R extends { readonly id: number; readonly orgId: number }>(
  stale: (afterId: number, limit: number) => Promise<readonly R[]>,
  rotate: (row: R) => Promise<RowRotation>,
  label: (row: R) => string,
): Promise<RotationCounts> {
  const counts = { reencrypted: 0, changedMeanwhile: 0, failed: [] as RotationCounts["failed"] };
  let afterId = 0;
  for (;;) {
    const batch = await stale(afterId, 100);
    if (batch.length === 0) return counts;
    for (const row of batch) {
      afterId = row.id;
      const outcome = await rotate(row);
      if (outcome === "reencrypted") counts.reencrypted += 1;
      else if (outcome === "changed") counts.changedMeanwhile += 1;
      else counts.failed.push({ orgId: row.orgId, secret: label(row), reason: outcome.reason });
    }
  }
}
