/**
 * @module
 * The webhook store conformance suite on every metadata backend.
 */
import { createAccountsMetadata } from "./kysely-accounts-metadata.ts";
import { createWebhookStore } from "./kysely-webhook-store.ts";
import { forEachMetadataBackend } from "./testing/metadata-backends.ts";
import { runWebhookStoreConformance } from "./webhook-store-conformance.ts";

forEachMetadataBackend((backend) =>
  runWebhookStoreConformance(backend.name, async () => {
    const { db, cleanup } = await backend.create();
    const accounts = createAccountsMetadata(db);
    const user = await accounts.createUser("owner", null, "unused", false);
    const acme = (await accounts.createOrganization("acme", user.id)).id;
    const other = (await accounts.createOrganization("other", user.id)).id;
    return { store: createWebhookStore(db), orgIds: [acme, other], cleanup };
  }),
);
