/**
 * @module
 * The external-registry store conformance suite on a real SQLite database.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configSchema } from "../config/config-schema.ts";
import { runExternalRegistryStoreConformance } from "./external-registry-store-conformance.ts";
import { createAccountsMetadata } from "./kysely-accounts-metadata.ts";
import { createExternalRegistryStore } from "./kysely-external-registry-store.ts";
import { openDatabase } from "./open-database.ts";

runExternalRegistryStoreConformance("sqlite (node:sqlite)", async () => {
  const dir = await mkdtemp(join(tmpdir(), "wharf-external-store-"));
  const db = await openDatabase(configSchema.parse({ dataDir: dir }));
  const accounts = createAccountsMetadata(db);
  const user = await accounts.createUser("owner", null, "unused", false);
  const acme = (await accounts.createOrganization("acme", user.id)).id;
  const other = (await accounts.createOrganization("other", user.id)).id;
  return {
    store: createExternalRegistryStore(db),
    orgIds: [acme, other],
    cleanup: async () => {
      await db.destroy();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
