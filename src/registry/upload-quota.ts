/**
 * @module
 * Upload quotas per principal: how many sessions one owner may hold open
 * and how many bytes they may hold in them. A session stays nothing but bytes
 * in storage; its owner is an empty marker file beside it (see
 * blob-paths.ts), so the count survives restarts and is the same on every
 * node. Each node keeps the counts in memory and reads an owner's markers
 * again when its copy is older than `refreshMs` or when it is about to
 * refuse, so a session finished on another node never causes a refusal,
 * and sessions opened on other nodes are seen within `refreshMs`. The
 * workers of one server (`server.workers`) keep no counts of their own: they
 * ask their primary's keeper (cluster/upload-quota-calls.ts), so the limits
 * hold for the whole server at once without reading markers per request.
 */
import { uploadName, uploadOwnerFolder, uploadOwnersRoot, uploadsRoot } from "../storage/blob-paths.ts";
import type { StorageDriver } from "../storage/storage-driver.ts";
import { RepositoryError } from "./repository-error.ts";

/** The limits, as configured under `limits`. */
export interface UploadQuotaLimits {
  readonly maxOpenUploadsPerPrincipal: number;
  readonly maxUploadBytesPerPrincipal: number;
}

interface OwnerSessions {
  readonly folder: string;
  /** Session name → bytes held. */
  readonly sizes: Map<string, number>;
  readonly loadedAt: number;
}

/** How old a node's copy of an owner's sessions may get before it is read again. */
const defaultRefreshMs = 60_000;
const maxOwnersCached = 10_000;

/** The quota keeper; see the module comment. */
export interface UploadQuota {
  /** Records a new session of `owner` at `path`; `quota-exceeded` when they hold the most sessions allowed. */
  open(owner: string, path: string): Promise<void>;
  /**
   * How many more bytes the session at `path` may receive before `owner`
   * exceeds the bytes allowed in unfinished uploads; Infinity when the
   * session is not `owner`'s (then only the blob size limit applies).
   */
  allowance(owner: string, path: string): Promise<number>;
  /** The `quota-exceeded` error for a session that went over its {@link allowance}. */
  overQuota(owner: string): RepositoryError;
  /** Notes that the session at `path` now holds `size` bytes. */
  grew(path: string, size: number): void;
  /** Forgets a finished, cancelled or expired session and removes its marker when its owner is known here. */
  close(path: string): Promise<void>;
  /** Removes markers whose session is gone (finished elsewhere, or expired). Returns how many. */
  sweep(): Promise<number>;
}

/** The `quota-exceeded` error for `owner` over `limits.maxUploadBytesPerPrincipal`. */
export function overUploadBytes(owner: string, limits: UploadQuotaLimits): RepositoryError {
  return new RepositoryError(
    "quota-exceeded",
    `${owner} would hold more than ${limits.maxUploadBytesPerPrincipal} bytes in unfinished uploads (limits.maxUploadBytesPerPrincipal); finish or cancel other uploads first, or ask the operator to raise the limit`,
  );
}

/**
 * Creates the quota keeper over `driver`; `now` is injectable for tests.
 * `refreshMs`: how old the copy of an owner's sessions may get before the
 * markers are read again (sessions other nodes opened).
 */
export function createUploadQuota(
  driver: StorageDriver,
  limits: UploadQuotaLimits,
  now: () => number = Date.now,
  refreshMs = defaultRefreshMs,
): UploadQuota {
  const owners = new Map<string, OwnerSessions>();
  /** Session name → owner, for sessions this node saw opened or loaded. */
  const ownerOf = new Map<string, string>();

  /** Loads in flight, so concurrent requests of one owner share one read of the markers. */
  const loading = new Map<string, Promise<OwnerSessions>>();

  function load(owner: string, force = false): Promise<OwnerSessions> {
    const cached = owners.get(owner);
    if (cached && !force && now() - cached.loadedAt < refreshMs) return Promise.resolve(cached);
    let pending = loading.get(owner);
    if (!pending) {
      pending = read(owner).finally(() => loading.delete(owner));
      loading.set(owner, pending);
    }
    return pending;
  }

  async function read(owner: string): Promise<OwnerSessions> {
    const folder = uploadOwnerFolder(owner);
    const sizes = new Map<string, number>();
    for (const name of await driver.list(folder)) {
      const info = await driver.stat(`${uploadsRoot}/${name}`);
      if (info) sizes.set(name, info.size);
      else await driver.delete(`${folder}/${name}`);
    }
    const loaded = { folder, sizes, loadedAt: now() };
    owners.delete(owner);
    if (owners.size >= maxOwnersCached) owners.delete(owners.keys().next().value!);
    owners.set(owner, loaded);
    for (const name of sizes.keys()) ownerOf.set(name, owner);
    return loaded;
  }

  function held(sessions: OwnerSessions): number {
    let total = 0;
    for (const size of sessions.sizes.values()) total += size;
    return total;
  }

  return {
    async open(owner: string, path: string): Promise<void> {
      const max = limits.maxOpenUploadsPerPrincipal;
      let sessions = await load(owner);
      if (sessions.sizes.size >= max) sessions = await load(owner, true);
      if (sessions.sizes.size >= max) {
        throw new RepositoryError(
          "quota-exceeded",
          `${owner} has ${sessions.sizes.size} upload sessions open, the most allowed (limits.maxOpenUploadsPerPrincipal = ${max}); finish or cancel some (DELETE their upload URL), wait until they expire, or ask the operator to raise the limit`,
        );
      }
      const name = uploadName(path);
      await driver.write(`${sessions.folder}/${name}`, [], { append: true, durable: false });
      sessions.sizes.set(name, 0);
      ownerOf.set(name, owner);
    },

    async allowance(owner: string, path: string): Promise<number> {
      const sessions = await load(owner);
      if (!sessions.sizes.has(uploadName(path))) return Number.POSITIVE_INFINITY;
      return Math.max(0, limits.maxUploadBytesPerPrincipal - held(sessions));
    },

    overQuota: (owner: string) => overUploadBytes(owner, limits),

    grew(path: string, size: number): void {
      const name = uploadName(path);
      const owner = ownerOf.get(name);
      const sessions = owner === undefined ? undefined : owners.get(owner);
      if (sessions?.sizes.has(name)) sessions.sizes.set(name, size);
    },

    async close(path: string): Promise<void> {
      const name = uploadName(path);
      const owner = ownerOf.get(name);
      if (owner === undefined) return;
      ownerOf.delete(name);
      const sessions = owners.get(owner);
      sessions?.sizes.delete(name);
      await driver.delete(`${uploadOwnerFolder(owner)}/${name}`);
    },

    async sweep(): Promise<number> {
      let removed = 0;
      for (const folder of await driver.list(uploadOwnersRoot)) {
        for (const name of await driver.list(`${uploadOwnersRoot}/${folder}`)) {
          if (await driver.stat(`${uploadsRoot}/${name}`)) continue;
          await driver.delete(`${uploadOwnersRoot}/${folder}/${name}`);
          removed++;
        }
      }
      return removed;
    },
  };
}
