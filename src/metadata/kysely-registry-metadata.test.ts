import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configSchema } from "../config/config-schema.ts";
import { createRegistryMetadata } from "./kysely-registry-metadata.ts";
import { openDatabase } from "./open-database.ts";
import { runRegistryMetadataConformance } from "./registry-metadata-conformance.ts";

runRegistryMetadataConformance("sqlite (node:sqlite)", async () => {
  const dir = await mkdtemp(join(tmpdir(), "wharf-meta-"));
  const db = await openDatabase(configSchema.parse({ dataDir: dir }));
  return {
    metadata: createRegistryMetadata(db),
    cleanup: async () => {
      await db.destroy();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
