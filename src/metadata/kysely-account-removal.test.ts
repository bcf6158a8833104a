/**
 * @module
 * The account removal conformance suite on every metadata backend, each
 * test on a fresh database of its own.
 */
import { runAccountRemovalConformance } from "./conformance/account-removal-conformance.ts";
import { createAccountRemoval } from "./kysely-account-removal.ts";
import { createAccountsMetadata } from "./kysely-accounts-metadata.ts";
import { createChartChannelStore, createLicenseFieldsStore } from "./kysely-license-fields-store.ts";
import { createLicensingStore } from "./kysely-licensing-store.ts";
import { createSecretsStore } from "./kysely-secrets-store.ts";
import { roleFixtures } from "./testing/accounts-fixture.ts";
import { forEachMetadataBackend } from "./testing/metadata-backends.ts";

forEachMetadataBackend((backend) =>
  runAccountRemovalConformance(
    backend.name,
    roleFixtures(backend, (db) => ({
      removal: createAccountRemoval(db),
      accounts: createAccountsMetadata(db),
      secrets: createSecretsStore(db),
      customers: createLicensingStore(db),
      fields: createLicenseFieldsStore(db),
      channels: createChartChannelStore(db),
    })),
  ),
);
