/**
 * @module
 * One server per data directory. Two `wharf serve` on the same directory
 * would share a SQLite file and blob folders while each believes it owns
 * them (upload sessions, sweeps, key files), so the second must refuse to
 * start. The lock is `<dataDir>/wharf.lock`, created exclusively and holding
 * the owner's PID; it lives as long as the process. A lock whose PID no
 * longer runs (the owner crashed or was killed) is stale and taken over.
 */
import { readFileSync, unlinkSync } from "node:fs";
import { open, readFile, unlink } from "node:fs/promises";
import { join } from "node:path";

/** Another live process holds the data directory. */
export class DataDirLockedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DataDirLockedError";
  }
}

/** A held lock. */
export interface DataDirLock {
  /** The lock file's path. */
  readonly path: string;
  /** Removes the lock file (only while it is still ours). */
  release(): Promise<void>;
}

/** True when a process with `pid` runs (EPERM: it runs as another user). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function ownerOf(path: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(path, "utf8")).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * Takes the lock of `dir` (which must exist) for this process, or throws
 * DataDirLockedError naming the PID that holds it. The lock is also removed
 * when the process exits normally; after a crash it is stale and the next
 * start takes it over.
 */
export async function lockDataDir(dir: string): Promise<DataDirLock> {
  const path = join(dir, "wharf.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const file = await open(path, "wx", 0o600);
      await file.writeFile(`${process.pid}\n`);
      await file.close();
      const onExit = () => removeIfOurs(path);
      process.once("exit", onExit);
      return {
        path,
        async release() {
          process.removeListener("exit", onExit);
          if ((await ownerOf(path)) === process.pid) await unlink(path).catch(() => undefined);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = await ownerOf(path);
    if (owner !== undefined && isRunning(owner)) {
      throw new DataDirLockedError(
        `another wharf (pid ${owner}) is serving the data directory ${dir}: stop it first, or give this server its own --data directory`,
      );
    }
    await unlink(path).catch(() => undefined);
  }
  throw new DataDirLockedError(`could not lock the data directory ${dir} (${path} keeps reappearing)`);
}

function removeIfOurs(path: string): void {
  try {
    if (Number(readFileSync(path, "utf8").trim()) === process.pid) unlinkSync(path);
  } catch {
    // Gone already, or unreadable: nothing of ours to remove.
  }
}
