/**
 * @module
 * Serializes async work per key inside one process: two requests on the same
 * upload session never interleave their appends. (Across nodes, the
 * Content-Range offset check is what catches a conflicting writer.)
 */

/** Runs `task` after every earlier task with the same key has settled (in this process, or in every worker of one server). */
export type KeyedMutex = <T>(key: string, task: () => Promise<T>) => Promise<T>;

/** Runs `task` after every earlier task with the same key has settled. */
export function createKeyedMutex(): KeyedMutex {
  const tails = new Map<string, Promise<unknown>>();
  return async <T>(key: string, task: () => Promise<T>): Promise<T> => {
    const previous = tails.get(key) ?? Promise.resolve();
    const run = previous.then(task, task);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}
