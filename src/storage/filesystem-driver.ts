/**
 * @module
 * The filesystem storage driver: objects are files under one root folder.
 * Writes go to a temporary sibling, are fdatasync'ed, then renamed over the
 * target and the folder fsync'ed, so a reader sees the old object or the whole
 * new one — never a torn file, even after a crash or power loss.
 */
import { randomBytes } from "node:crypto";
import {
  close as fsClose,
  fdatasync as fsFdatasync,
  fstat as fsFstat,
  open as fsOpen,
  writev as fsWritevCallback,
} from "node:fs";
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { promisify } from "node:util";
import { FileReadStream } from "./file-read-stream.ts";
import {
  type FileInfo,
  PathNotFoundError,
  type ReadRange,
  StorageBackendError,
  type StorageDriver,
  type WriteOptions,
} from "./storage-driver.ts";

const streamBufferBytes = 1024 * 1024;
const syncEveryBytes = 64 * 1024 * 1024;
const openFd = promisify(fsOpen);
const fdatasync = promisify(fsFdatasync);
const fstat = promisify(fsFstat);
const closeFd = promisify(fsClose);
const fsWritev = promisify(fsWritevCallback);

/** Creates a filesystem driver rooted at `root` (created on first write). */
export function createFilesystemDriver(root: string): StorageDriver {
  const base = resolve(root);
  const full = (path: string): string => {
    if (path.includes("..") || path.startsWith("/")) throw new Error(`unsafe storage path ${path}`);
    return join(base, path);
  };
  return {
    name: "filesystem",
    stat: async (path) => statFile(full(path)),
    read: async (path, range) => openReader(full(path), path, range),
    write: async (path, source, options) => writeFile(full(path), source, options).catch(whenFull(path)),
    getContent: async (path) => readOptional(full(path)),
    putContent: async (path, content) => writeFile(full(path), [content], {}).then(() => undefined, whenFull(path)),
    move: async (from, to, options) => moveFile(full(from), full(to), from, options?.synced ?? false),
    delete: async (path) => deletePath(full(path)),
    list: async (prefix) => listNames(full(prefix)),
    localPath: full,
  } satisfies StorageDriver;
}

/**
 * Rethrows a write that failed for lack of space (ENOSPC, EDQUOT) as a
 * {@link StorageBackendError} naming the cause (the client gets a retryable
 * UNAVAILABLE, not an unexpected error); other errors unchanged.
 */
function whenFull(path: string): (error: unknown) => never {
  return (error) => {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === "ENOSPC" || code === "EDQUOT")
      throw new StorageBackendError(`no space left on the blob store writing ${path} (${code})`, { cause: error });
    throw error;
  };
}

async function statFile(file: string): Promise<FileInfo | undefined> {
  try {
    const info = await stat(file);
    return info.isFile() ? { size: info.size, modifiedAt: info.mtime } : undefined;
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/**
 * A stream of the file's bytes (see FileReadStream: callback reads on a plain
 * descriptor, and `writeTo` for copying without a buffer per chunk). The
 * stream closes the descriptor when it ends or is destroyed.
 */
async function openReader(file: string, path: string, range?: ReadRange): Promise<Readable> {
  let fd: number;
  try {
    fd = await openFd(file, "r");
  } catch (error) {
    if (isMissing(error)) throw new PathNotFoundError(path);
    throw error;
  }
  const start = range?.offset ?? 0;
  if (range?.length === 0) {
    await closeFd(fd);
    return Readable.from([]);
  }
  // The length bounds the stream's buffers (a small blob gets a small one).
  let length = range?.length;
  try {
    length ??= Math.max(0, (await fstat(fd)).size - start);
  } catch (error) {
    await closeFd(fd);
    throw error;
  }
  return new FileReadStream(fd, start, length);
}

async function writeFile(
  file: string,
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: WriteOptions = {},
): Promise<number> {
  const durable = options.durable ?? true;
  if (options.append) return inFolder(dirname(file), () => streamToFile(file, source, "a", durable));
  const temporary = `${file}.tmp-${randomBytes(6).toString("hex")}`;
  try {
    const size = await inFolder(dirname(file), () => streamToFile(temporary, source, "w", durable));
    await rename(temporary, file);
    await syncFolder(dirname(file));
    return size;
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Streams into `file` (flags `w` or `a`) and returns the file's final size.
 * Every {@link syncEveryBytes} a background fdatasync starts, so the disk
 * flushes while the network is still delivering and the final, awaited
 * fdatasync (when `durable`) has only the tail left to write.
 */
async function streamToFile(
  file: string,
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  flags: "w" | "a",
  durable: boolean,
): Promise<number> {
  const fd = await openFd(file, flags, 0o600);
  let syncing: Promise<void> = Promise.resolve();
  try {
    let unsynced = 0;
    async function* counted(): AsyncIterable<Uint8Array> {
      for await (const chunk of source) {
        unsynced += chunk.length;
        if (unsynced >= syncEveryBytes) {
          unsynced = 0;
          syncing = syncing.then(() => fdatasync(fd));
        }
        yield chunk;
      }
    }
    await pipeline(counted(), fdSink(fd));
    await syncing;
    if (durable) await fdatasync(fd);
    return (await fstat(fd)).size;
  } finally {
    await syncing.catch(() => undefined);
    await closeFd(fd);
  }
}

/**
 * A Writable over a file descriptor it never closes (fs.WriteStream closes
 * its fd when destroyed by a failing source, which would race with ours).
 * Buffered chunks go down in one writev, without copying them together.
 */
function fdSink(fd: number): Writable {
  return new Writable({
    highWaterMark: streamBufferBytes,
    writev(chunks, callback) {
      writeAll(
        fd,
        chunks.map((c) => c.chunk as Buffer),
      ).then(() => callback(), callback);
    },
  });
}

/** writev until every byte is written (regular files rarely write short, but may). */
async function writeAll(fd: number, buffers: Buffer[]): Promise<void> {
  let pending = buffers;
  while (pending.length > 0) {
    let { bytesWritten } = await fsWritev(fd, pending);
    const rest: Buffer[] = [];
    for (const buffer of pending) {
      if (bytesWritten >= buffer.length) bytesWritten -= buffer.length;
      else {
        rest.push(buffer.subarray(bytesWritten));
        bytesWritten = 0;
      }
    }
    pending = rest;
  }
}

async function moveFile(from: string, to: string, path: string, synced: boolean): Promise<void> {
  if (!synced) await syncFile(from, path);
  try {
    await inFolder(dirname(to), () => rename(from, to));
  } catch (error) {
    if (isMissing(error) && !(await statFile(from))) throw new PathNotFoundError(path);
    throw error;
  }
  await syncFolder(dirname(to));
}

async function syncFile(file: string, path: string): Promise<void> {
  let fd: number;
  try {
    fd = await openFd(file, "r");
  } catch (error) {
    if (isMissing(error)) throw new PathNotFoundError(path);
    throw error;
  }
  try {
    await fdatasync(fd);
  } finally {
    await closeFd(fd);
  }
}

/**
 * Deletes a file with one unlink (the common case: an upload's marker or
 * data), a folder with everything in it otherwise; a missing path is fine.
 */
async function deletePath(file: string): Promise<void> {
  try {
    await unlink(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return;
    if (code !== "EISDIR" && code !== "EPERM") throw error;
    await rm(file, { recursive: true, force: true });
  }
}

/**
 * Folders known to exist. The blob tree has few folders (256 per algorithm),
 * so remembering them spares a mkdir per write. A folder removed behind our
 * back shows up as ENOENT: it is then created again and the step retried.
 */
const knownFolders = new Set<string>();

async function inFolder<T>(folder: string, step: () => Promise<T>): Promise<T> {
  if (!knownFolders.has(folder)) {
    await mkdir(folder, { recursive: true });
    if (knownFolders.size > 10_000) knownFolders.clear();
    knownFolders.add(folder);
    return step();
  }
  try {
    return await step();
  } catch (error) {
    if (!isMissing(error)) throw error;
    knownFolders.delete(folder);
    await mkdir(folder, { recursive: true });
    knownFolders.add(folder);
    return step();
  }
}

async function readOptional(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

async function listNames(folder: string): Promise<string[]> {
  try {
    return (await readdir(folder)).sort();
  } catch (error) {
    if (isMissing(error) || (error as NodeJS.ErrnoException).code === "ENOTDIR") return [];
    throw error;
  }
}

/** Makes a rename durable: the folder entry itself must reach the disk. */
async function syncFolderNow(folder: string): Promise<void> {
  const handle = await open(folder, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Per folder: the fsync under way, and the one queued behind it. A caller
 * whose rename happened before the queued sync starts can share it, so
 * concurrent pushes into one folder cost one directory fsync, not one each.
 */
const folderSyncs = new Map<string, { running: Promise<void>; next?: Promise<void> }>();

function syncFolder(folder: string): Promise<void> {
  const state = folderSyncs.get(folder);
  if (!state) {
    const running = syncFolderNow(folder).finally(() => advance(folder));
    folderSyncs.set(folder, { running });
    return running;
  }
  state.next ??= state.running.catch(() => undefined).then(() => syncFolderNow(folder));
  return state.next;
}

function advance(folder: string): void {
  const state = folderSyncs.get(folder);
  if (!state?.next) {
    folderSyncs.delete(folder);
    return;
  }
  const running = state.next.finally(() => advance(folder));
  folderSyncs.set(folder, { running });
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === "ENOENT";
}
