/**
 * @module
 * The storage driver factory map: one entry per driver name in the
 * configuration schema, no side-effect registration.
 */
import { join } from "node:path";
import type { Config } from "../config/config-schema.ts";
import { createFilesystemDriver } from "./filesystem-driver.ts";
import { lazyDriver } from "./lazy-driver.ts";
import type { StorageDriver } from "./storage-driver.ts";

const factories = {
  filesystem: (config: Config) =>
    createFilesystemDriver(config.storage.filesystem.root ?? join(config.dataDir, "blobs")),
  s3: (config: Config) =>
    lazyDriver("s3", async () => (await import("./s3-driver.ts")).createS3Driver(config.storage.s3)),
} satisfies Record<Config["storage"]["driver"], (config: Config) => StorageDriver>;

/** The driver the configuration names. */
export function createStorageDriver(config: Config): StorageDriver {
  return factories[config.storage.driver](config);
}
