/**
 * @module
 * How many serving processes `server.workers` asks for.
 */
import { availableParallelism } from "node:os";
import type { Config } from "../config/config-schema.ts";

/** `server.workers` as a number: `auto` is one per CPU this process may use. */
export function workerCount(config: Pick<Config, "server">): number {
  const workers = config.server.workers;
  return workers === "auto" ? availableParallelism() : workers;
}
