/**
 * @module
 * The rows of the results table: what each measures, its unit, whether lower
 * is better, and the target Wharf must meet against Distribution (and against
 * the machine's disk) — with the check that says met or missed — plus the
 * auth target every row shares: Wharf+auth within 10 % of Wharf.
 */
import type { Limits } from "./limits.ts";

export type RowId =
  | "push-monolithic"
  | "push-chunked"
  | "pull-1"
  | "pull-8"
  | "pull-curl-1"
  | "pull-curl-8"
  | "small-blobs"
  | "manifest-put"
  | "manifest-get"
  | "push-4g"
  | "rss-4g"
  | "rss-run"
  | "rss-sampled";

/** One measured value, or why there is none. */
export type Cell = { readonly value: number } | { readonly error: string } | { readonly skipped: string };

export type Results = Map<RowId, Cell>;

/** A target: its wording and a check (undefined when a needed value is missing). */
export interface Target {
  text(limits: Limits): string;
  check(wharf: number, distribution: number | undefined, limits: Limits): boolean | undefined;
}

export interface RowSpec {
  readonly id: RowId;
  readonly label: string;
  readonly unit: string;
  readonly lowerIsBetter?: boolean;
  readonly target?: Target;
}

function atLeastTimes(factor: number): Target {
  return {
    text: () => `≥ ${factor}×`,
    check: (w, d) => (d === undefined ? undefined : w >= factor * d),
  };
}

/** At least `factor` × what the bare Node server reached with the same curl clients in this run. */
function nodeLimitTarget(factor: number, limit: (limits: Limits) => number | undefined): Target {
  return {
    text: (limits) => {
      const value = limit(limits);
      return `≥ ${factor}× Node limit (${value === undefined ? "n/a" : value.toFixed(0)} MB/s)`;
    },
    check: (w, _d, limits) => {
      const value = limit(limits);
      return value === undefined ? undefined : w >= factor * value;
    },
  };
}

const pushTarget: Target = {
  text: (limits) => `≥ 1.2× and ≥ 90% disk (${(0.9 * limits.diskWrite).toFixed(0)} MB/s)`,
  check: (w, d, limits) => {
    if (w < 0.9 * limits.diskWrite) return false;
    return d === undefined ? undefined : w >= 1.2 * d;
  },
};

const RSS_LIMIT_MIB = 160;

const rssTarget: Target = {
  text: () => `Wharf ≤ ${RSS_LIMIT_MIB} MiB`,
  check: (w) => w <= RSS_LIMIT_MIB,
};

/** Wharf+auth ÷ Wharf may lose at most this much (throughput ≥ 0.90×, memory ≤ 1.10×). */
const AUTH_TOLERANCE = 0.1;

/** The auth target's wording for `row`. */
export function authTargetText(row: RowSpec): string {
  return row.lowerIsBetter
    ? `auth ≤ ${(1 + AUTH_TOLERANCE).toFixed(2)}×`
    : `auth ≥ ${(1 - AUTH_TOLERANCE).toFixed(2)}×`;
}

/** Whether Wharf+auth is within 10 % of Wharf on `row`; undefined when a value is missing. */
export function authTargetMet(row: RowSpec, wharf: number | undefined, auth: number | undefined): boolean | undefined {
  if (wharf === undefined || auth === undefined) return undefined;
  return row.lowerIsBetter ? auth <= (1 + AUTH_TOLERANCE) * wharf : auth >= (1 - AUTH_TOLERANCE) * wharf;
}

export const ROWS: readonly RowSpec[] = [
  {
    id: "push-monolithic",
    label: "push 512 MiB monolithic (POST+PUT)",
    unit: "MB/s",
    target: pushTarget,
  },
  {
    id: "push-chunked",
    label: "push 512 MiB chunked (16 MiB PATCHes)",
    unit: "MB/s",
    target: pushTarget,
  },
  {
    id: "pull-1",
    label: "pull 512 MiB, 1 client (median of 3)",
    unit: "MB/s",
    target: atLeastTimes(1.5),
  },
  {
    id: "pull-8",
    label: "pull 512 MiB, 8 concurrent (total)",
    unit: "MB/s",
    target: atLeastTimes(1.5),
  },
  {
    id: "pull-curl-1",
    label: "pull 512 MiB, 1 curl (median of 3)",
    unit: "MB/s",
    target: nodeLimitTarget(0.9, (limits) => limits.nodePull1),
  },
  {
    id: "pull-curl-8",
    label: "pull 512 MiB, 8 concurrent curl (total)",
    unit: "MB/s",
    target: nodeLimitTarget(0.9, (limits) => limits.nodePull8),
  },
  {
    id: "small-blobs",
    label: "push 2000 × 4 KiB blobs, concurrency 16",
    unit: "blobs/s",
    target: atLeastTimes(5),
  },
  {
    id: "manifest-put",
    label: "PUT 200 manifests, concurrency 8",
    unit: "PUT/s",
    target: atLeastTimes(3),
  },
  {
    id: "manifest-get",
    label: "GET manifest by tag, concurrency 32",
    unit: "req/s",
    target: atLeastTimes(5),
  },
  { id: "push-4g", label: "push 4 GiB monolithic (generated)", unit: "MB/s" },
  {
    id: "rss-4g",
    label: "peak RSS while pushing 4 GiB",
    unit: "MiB",
    lowerIsBetter: true,
    target: rssTarget,
  },
  { id: "rss-run", label: "peak RSS, whole run (VmHWM)", unit: "MiB", lowerIsBetter: true },
  {
    id: "rss-sampled",
    label: "max sampled VmRSS (every 100 ms)",
    unit: "MiB",
    lowerIsBetter: true,
  },
];
