import { createAccountsMetadata } from "./kysely-accounts-metadata.ts";
import { createLicensingStore } from "./kysely-licensing-store.ts";
import { runLicensingMetadataConformance } from "./licensing-metadata-conformance.ts";
import { forEachMetadataBackend } from "./testing/metadata-backends.ts";

forEachMetadataBackend((backend) =>
  runLicensingMetadataConformance(backend.name, async () => {
    const { db, cleanup } = await backend.create();
    const accounts = createAccountsMetadata(db);
    const owner = await accounts.createUser("owner", null, "unused", false);
    const org = await accounts.createOrganization("vendor", owner.id);
    for (const name of ["app-a", "app-b"]) {
      await accounts.createNamespace({ name, kind: "application", userId: null, orgId: org.id });
    }
    return { store: createLicensingStore(db), cleanup };
  }),
);
