/**
 * @module
 * The external-registry store conformance suite on every metadata backend.
 */
import { runExternalRegistryStoreConformance } from "./external-registry-store-conformance.ts";
import { createAccountsMetadata } from "./kysely-accounts-metadata.ts";
import { createExternalRegistryStore } from "./kysely-external-registry-store.ts";
import { forEachMetadataBackend } from "./testing/metadata-backends.ts";

forEachMetadataBackend((backend) =>
  runExternalRegistryStoreConformance(backend.name, async () => {
    const { db, cleanup } = await backend.create();
    const accounts = createAccountsMetadata(db);
    const user = await accounts.createUser("owner", null, "unused", false);
    const acme = (await accounts.createOrganization("acme", user.id)).id;
    const other = (await accounts.createOrganization("other", user.id)).id;
    return { store: createExternalRegistryStore(db), orgIds: [acme, other], cleanup };
  }),
);
