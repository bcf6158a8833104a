/**
 * @module
 * A driver whose implementation is imported on first use, so a server that
 * does not use a heavy backend (the AWS SDK adds ~25 MiB of memory and
 * ~100 ms of start-up) never loads it.
 */
import type { StorageDriver } from "./storage-driver.ts";

/** A {@link StorageDriver} named `name` that loads the real one with `load` on its first call. */
export function lazyDriver(name: string, load: () => Promise<StorageDriver>): StorageDriver {
  let loading: Promise<StorageDriver> | undefined;
  const driver = (): Promise<StorageDriver> => {
    loading ??= load();
    return loading;
  };
  return {
    name,
    stat: async (path) => (await driver()).stat(path),
    read: async (path, range) => (await driver()).read(path, range),
    write: async (path, source, options) => (await driver()).write(path, source, options),
    getContent: async (path) => (await driver()).getContent(path),
    putContent: async (path, content) => (await driver()).putContent(path, content),
    move: async (from, to, options) => (await driver()).move(from, to, options),
    delete: async (path) => (await driver()).delete(path),
    list: async (prefix) => (await driver()).list(prefix),
    presignedUrl: async (path, ttlMs) => {
      const loaded = await driver();
      if (!loaded.presignedUrl) throw new Error(`the ${name} storage driver cannot make presigned URLs`);
      return loaded.presignedUrl(path, ttlMs);
    },
  };
}
