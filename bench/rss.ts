/**
 * @module
 * Memory of a server process from /proc/<pid>/status: VmHWM (the kernel's
 * peak RSS), VmRSS sampled periodically, and a reset of the peak
 * (`echo 5 > /proc/<pid>/clear_refs`) so one workload can be measured alone.
 */
import { readFileSync, writeFileSync } from "node:fs";

const SAMPLE_INTERVAL_MS = 100;

/** A `kB` field of /proc/<pid>/status in bytes, or undefined if the process is gone. */
export function statusBytes(pid: number, field: "VmRSS" | "VmHWM"): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
    return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}

/** Resets the process's VmHWM to its current RSS; false when the kernel refuses. */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

/** Samples VmRSS every 100 ms and remembers the largest value seen. */
export interface RssSampler {
  /** Largest VmRSS sampled since start or the last reset, in bytes (0 if none). */
  max(): number;
  resetMax(): void;
  stop(): void;
}

export function startRssSampler(pid: number): RssSampler {
  let max = 0;
  const sample = () => {
    const rss = statusBytes(pid, "VmRSS");
    if (rss !== undefined && rss > max) max = rss;
  };
  sample();
  const timer = setInterval(sample, SAMPLE_INTERVAL_MS);
  timer.unref();
  return {
    max: () => {
      sample();
      return max;
    },
    resetMax: () => {
      max = 0;
      sample();
    },
    stop: () => clearInterval(timer),
  };
}
