import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runDriverConformance } from "./driver-conformance.ts";
import { createFilesystemDriver } from "./filesystem-driver.ts";

runDriverConformance("filesystem", async () => {
  const root = await mkdtemp(join(tmpdir(), "wharf-fs-driver-"));
  return {
    driver: createFilesystemDriver(root),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});
