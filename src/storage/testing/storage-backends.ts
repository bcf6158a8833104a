/**
 * @module
 * Test-only: the matrix of storage backends the driver conformance suite
 * runs against. Each gives a fresh, isolated driver per test (its own folder
 * or bucket prefix) and says why it cannot run here, if it cannot.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { ListObjectsCommand } from "@aws-sdk/client-s3";
import { createFilesystemDriver } from "../filesystem-driver.ts";
import { createS3Location } from "../s3-client.ts";
import { createS3DriverAt } from "../s3-driver.ts";
import type { StorageDriver } from "../storage-driver.ts";
import {
  emulateUploadPartCopy,
  enforcePartMinimum,
  type S3TestServer,
  s3rverUnavailable,
  startS3TestServer,
} from "./s3-test-server.ts";

/** One test's driver, isolated from every other test's. */
export interface DriverFixture {
  readonly driver: StorageDriver;
  /** Every object still stored under the driver's root (the suite requires none after a test). */
  remaining(): Promise<string[]>;
  /** Removes whatever the test left. */
  cleanup(): Promise<void>;
}

/** A storage backend under test. */
export interface StorageBackend {
  readonly name: string;
  /** Why the backend cannot run on this machine, or undefined when it can. */
  unavailable(): string | undefined;
  /**
   * Tests this backend skips, each with the reason: only for a stand-in
   * server's own bugs, never for the driver's.
   */
  readonly deviations?: Readonly<Record<string, string>>;
  /** Starts what the backend needs, once before its tests. */
  setup?(): Promise<void>;
  /** Stops it, once after. */
  teardown?(): Promise<void>;
  /** A fresh, empty driver for one test. */
  create(): Promise<DriverFixture>;
}

async function filesIn(root: string, folder = root): Promise<string[]> {
  let entries: import("node:fs").Dirent[];
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...(await filesIn(root, path)));
    else files.push(relative(root, path));
  }
  return files;
}

const filesystem: StorageBackend = {
  name: "filesystem",
  unavailable: () => undefined,
  async create() {
    const root = await mkdtemp(join(tmpdir(), "wharf-fs-driver-"));
    return {
      driver: createFilesystemDriver(root),
      remaining: () => filesIn(root),
      cleanup: () => rm(root, { recursive: true, force: true }),
    };
  },
};

/**
 * S3 on s3rver. s3rver lacks UploadPartCopy, so appends stream the old bytes
 * through the driver; with `serverSideCopy` the client emulates it and the
 * driver's copy path runs instead.
 */
function s3rverBackend(serverSideCopy: boolean): StorageBackend {
  let server: S3TestServer | undefined;
  return {
    name: serverSideCopy ? "s3 (s3rver, UploadPartCopy emulated)" : "s3 (s3rver)",
    unavailable: s3rverUnavailable,
    deviations: {
      "parallel writers to one object leave exactly one of them, never a mix":
        "s3rver writes objects in place (S3 replaces them atomically)",
      "lists a prefix whose objects are all nested deeper":
        "s3rver's listing skips folders two levels below the prefix (S3 lists them)",
    },
    async setup() {
      server = await startS3TestServer();
    },
    async teardown() {
      await server?.stop();
    },
    async create() {
      if (!server) throw new Error("s3rver was not started");
      const location = { ...createS3Location(server.options), prefix: `t-${randomBytes(6).toString("hex")}/` };
      if (serverSideCopy) emulateUploadPartCopy(location.client);
      enforcePartMinimum(location.client);
      const driver = createS3DriverAt(location);
      const remaining = async (): Promise<string[]> => {
        const out = await location.client.send(
          new ListObjectsCommand({ Bucket: location.bucket, Prefix: location.prefix }),
        );
        return (out.Contents ?? []).map((object) => object.Key!.slice(location.prefix.length));
      };
      return {
        driver,
        remaining,
        cleanup: async () => {
          await driver.delete("");
          location.client.destroy();
        },
      };
    },
  };
}

/** Every backend, in the order the suite runs them. */
export const storageBackends: readonly StorageBackend[] = [filesystem, s3rverBackend(false), s3rverBackend(true)];
