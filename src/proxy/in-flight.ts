/**
 * @module
 * Shares one asynchronous task among concurrent callers with the same key:
 * a hundred nodes pulling the same cold tag make one upstream request (which
 * is what rate-limited registries such as Docker Hub count), not a hundred.
 */

/** Runs `task` for `key` unless one is already running, whose result is then shared. */
export function createInFlight(): <T>(key: string, task: () => Promise<T>) => Promise<T> {
  const running = new Map<string, Promise<unknown>>();
  return <T>(key: string, task: () => Promise<T>): Promise<T> => {
    const known = running.get(key);
    if (known) return known as Promise<T>;
    const started = task().finally(() => running.delete(key));
    running.set(key, started);
    return started;
  };
}
