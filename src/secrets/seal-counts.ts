/**
 * @module
 * What a seal pass over keys and values kept under the master key did, and
 * how such passes join the pull-secret rotation: `wharf secrets rotate-key`
 * re-encrypts pull secrets and external registries, then runs the passes, and
 * reports one sum.
 */
import type { Caller } from "../accounts/management-access.ts";
import type { RotationReport } from "./secret-rotation.ts";

/** What a seal pass did. */
export interface SealCounts {
  /** Values sealed (or re-sealed) under the current key version. */
  readonly sealed: number;
  /** Values changed by someone else during the pass (so written under the current key). */
  readonly changedMeanwhile: number;
  /** Values that could not be opened, by what they are, never with the value. */
  readonly failed: readonly { readonly target: string; readonly reason: string }[];
}

/** The sum of `parts`. */
export function sumSeals(parts: readonly SealCounts[]): SealCounts {
  return {
    sealed: parts.reduce((n, p) => n + p.sealed, 0),
    changedMeanwhile: parts.reduce((n, p) => n + p.changedMeanwhile, 0),
    failed: parts.flatMap((p) => p.failed),
  };
}

/** `rotation` followed by `seal`, the counts added to its report (failures listed with org 0). */
export function withSealing(
  rotation: { rotateAll(caller?: Caller): Promise<RotationReport> },
  seal: () => Promise<SealCounts>,
): { rotateAll(caller?: Caller): Promise<RotationReport> } {
  return {
    async rotateAll(caller) {
      const report = await rotation.rotateAll(caller);
      const more = await seal();
      return {
        ...report,
        reencrypted: report.reencrypted + more.sealed,
        changedMeanwhile: report.changedMeanwhile + more.changedMeanwhile,
        failed: [...report.failed, ...more.failed.map((f) => ({ orgId: 0, secret: f.target, reason: f.reason }))],
      };
    },
  };
}
