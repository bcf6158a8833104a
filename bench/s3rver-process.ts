/**
 * @module
 * s3rver as a process of its own for the scale rows (bench/scale-bench.ts):
 * run in the benchmark's own process it would share one event loop with the
 * client and distort every figure. Starts the test helper's s3rver (one
 * bucket, temporary folder, 127.0.0.1, ephemeral port), prints one JSON line
 * with the `WHARF_STORAGE__…` variables that reach it, and stops it (folder
 * removed) on SIGTERM or SIGINT.
 *
 * One s3rver 3.7 race is taken out first: its DeleteObject removes a folder
 * once it is empty (`uploads/` when the last session goes), while a PutObject
 * into that folder has just created it and not yet opened its file; the
 * write stream then fails with ENOENT, has no error listener, and the whole
 * s3rver process dies (seen under 16 concurrent 4 KiB pushes). Here
 * DeleteObject removes the object's files only and leaves the folders.
 */
import { createRequire } from "node:module";
import { startS3TestServer } from "../src/storage/testing/s3-test-server.ts";

interface FilesystemStore {
  getResourcePath(bucket: string, key: string, resource: string): string;
  deleteObject(bucket: string, key: string): Promise<void>;
}

const require = createRequire(import.meta.url);
const { unlink } = await import("node:fs/promises");
const store = require("s3rver/lib/stores/filesystem.js") as { prototype: FilesystemStore };
store.prototype.deleteObject = async function deleteObject(this: FilesystemStore, bucket: string, key: string) {
  const files = ["object", "object.md5", "metadata.json"].map((kind) => this.getResourcePath(bucket, key, kind));
  await Promise.all(
    files.map((file) =>
      unlink(file).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "ENOENT") throw error;
      }),
    ),
  );
};

const s3 = await startS3TestServer("wharf-bench");
process.stdout.write(`${JSON.stringify({ env: s3.env })}\n`);
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    s3.stop().finally(() => process.exit(0));
  });
}
