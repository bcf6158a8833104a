/**
 * @module
 * The primary's count of every worker's open connections, in all and by
 * client address, so `limits.maxConnections` and
 * `limits.maxConnectionsPerAddress` hold for the whole server whatever
 * worker the kernel hands a connection to. A worker that dies takes its
 * counts along.
 */
import type { HttpLimits } from "../http/http-limits.ts";
import type { ConnectionCap } from "../http/limit-connections.ts";

/** The table; `worker` is a cluster worker id. */
export interface ConnectionTable {
  /** Counts a connection of `worker` from `address`, or names the cap it would pass (then nothing is counted). */
  admit(worker: number, address: string): ConnectionCap | undefined;
  release(worker: number, address: string): void;
  /** `worker` exited: its connections are gone. */
  forget(worker: number): void;
  /** Open connections in all (for tests). */
  total(): number;
}

/** An empty table enforcing `limits`. */
export function createConnectionTable(
  limits: Pick<HttpLimits, "maxConnections" | "maxConnectionsPerAddress">,
): ConnectionTable {
  const byAddress = new Map<string, number>();
  const byWorker = new Map<number, Map<string, number>>();
  let total = 0;
  const add = (map: Map<string, number>, key: string, by: number) => {
    const next = (map.get(key) ?? 0) + by;
    if (next <= 0) map.delete(key);
    else map.set(key, next);
  };
  return {
    admit(worker, address) {
      if (total >= limits.maxConnections) return "maxConnections";
      if ((byAddress.get(address) ?? 0) >= limits.maxConnectionsPerAddress) return "maxConnectionsPerAddress";
      total++;
      add(byAddress, address, 1);
      const mine = byWorker.get(worker) ?? new Map<string, number>();
      byWorker.set(worker, mine);
      add(mine, address, 1);
      return undefined;
    },
    release(worker, address) {
      const mine = byWorker.get(worker);
      if (!mine?.has(address)) return;
      total--;
      add(byAddress, address, -1);
      add(mine, address, -1);
    },
    forget(worker) {
      for (const [address, count] of byWorker.get(worker) ?? []) {
        total -= count;
        add(byAddress, address, -count);
      }
      byWorker.delete(worker);
    },
    total: () => total,
  };
}
