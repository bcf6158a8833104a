import { createRegistryMetadata } from "./kysely-registry-metadata.ts";
import { runRegistryMetadataConformance } from "./registry-metadata-conformance.ts";
import { forEachMetadataBackend } from "./testing/metadata-backends.ts";

forEachMetadataBackend((backend) =>
  runRegistryMetadataConformance(backend.name, async () => {
    const { db, cleanup } = await backend.create();
    return { metadata: createRegistryMetadata(db), cleanup };
  }),
);
