/**
 * @module
 * s3rver as a process of its own for the scale rows (bench/scale-bench.ts):
 * run in the benchmark's own process it would share one event loop with the
 * client and distort every figure. Starts the test helper's s3rver (one
 * bucket, temporary folder, 127.0.0.1, ephemeral port), prints one JSON line
 * with the `WHARF_STORAGE__…` variables that reach it, and stops it (folder
 * removed) on SIGTERM or SIGINT.
 */
import { startS3TestServer } from "../src/storage/testing/s3-test-server.ts";

const s3 = await startS3TestServer("wharf-bench");
process.stdout.write(`${JSON.stringify({ env: s3.env })}\n`);
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    s3.stop().finally(() => process.exit(0));
  });
}
