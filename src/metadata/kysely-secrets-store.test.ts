/**
 * @module
 * The pull-secret and service store conformance suites on every metadata
 * backend, each test on a fresh database of its own.
 */
import { runDockerSecretStoreConformance } from "./conformance/docker-secret-store-conformance.ts";
import { runServiceStoreConformance } from "./conformance/service-store-conformance.ts";
import { createSecretsStore } from "./kysely-secrets-store.ts";
import { roleFixtures } from "./testing/accounts-fixture.ts";
import { forEachMetadataBackend } from "./testing/metadata-backends.ts";

forEachMetadataBackend((backend) => {
  const fixtures = roleFixtures(backend, createSecretsStore);
  runDockerSecretStoreConformance(backend.name, fixtures);
  runServiceStoreConformance(backend.name, fixtures);
});
