/**
 * @module
 * Bounded concurrency: run N tasks with at most C in flight, or keep C workers
 * busy until a deadline. The first failure stops every worker and is rethrown.
 */

/** Runs `task(0..total-1)` with at most `concurrency` in flight. */
export async function runPool(
  total: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (failure === undefined && next < total) {
      const index = next++;
      try {
        await task(index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  if (failure !== undefined) throw failure.error;
}

/** Keeps `concurrency` workers calling `task` until `durationMs` has passed; returns the count. */
export async function runFor(
  durationMs: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
): Promise<{ count: number; seconds: number }> {
  const started = performance.now();
  const deadline = started + durationMs;
  let count = 0;
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (failure === undefined && performance.now() < deadline) {
      try {
        await task(next++);
        count++;
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (failure !== undefined) throw failure.error;
  return { count, seconds: (performance.now() - started) / 1000 };
}

/** Seconds `work` took. */
export async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}
