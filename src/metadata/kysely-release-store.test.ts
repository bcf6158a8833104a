import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configSchema } from "../config/config-schema.ts";
import { createAccountsMetadata } from "./kysely-accounts-metadata.ts";
import { createReleaseStore } from "./kysely-release-store.ts";
import { openDatabase } from "./open-database.ts";
import { runReleaseStoreConformance } from "./release-store-conformance.ts";

runReleaseStoreConformance("sqlite (node:sqlite)", async () => {
  const dir = await mkdtemp(join(tmpdir(), "wharf-release-store-"));
  const db = await openDatabase(configSchema.parse({ dataDir: dir }));
  const accounts = createAccountsMetadata(db);
  const owner = await accounts.createUser("owner", null, "unused", false);
  const org = await accounts.createOrganization("vendor", owner.id);
  for (const name of ["app-a", "app-b"]) {
    await accounts.createNamespace({ name, kind: "application", userId: null, orgId: org.id });
  }
  return {
    store: createReleaseStore(db),
    cleanup: async () => {
      await db.destroy();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
