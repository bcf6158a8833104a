/**
 * @module
 * Every accounts role-store conformance suite on every metadata backend,
 * each test on a fresh database of its own.
 */
import { runAuditStoreConformance } from "./conformance/audit-store-conformance.ts";
import { runLoginLimitStoreConformance } from "./conformance/login-limit-store-conformance.ts";
import { runNamespaceStoreConformance } from "./conformance/namespace-store-conformance.ts";
import { runOrganizationStoreConformance } from "./conformance/organization-store-conformance.ts";
import { runRobotStoreConformance } from "./conformance/robot-store-conformance.ts";
import { runTeamStoreConformance } from "./conformance/team-store-conformance.ts";
import { runTokenStoreConformance } from "./conformance/token-store-conformance.ts";
import { runUserStoreConformance } from "./conformance/user-store-conformance.ts";
import { createAccountsMetadata } from "./kysely-accounts-metadata.ts";
import { roleFixtures } from "./testing/accounts-fixture.ts";
import { forEachMetadataBackend } from "./testing/metadata-backends.ts";

forEachMetadataBackend((backend) => {
  const fixtures = roleFixtures(backend, createAccountsMetadata);
  runUserStoreConformance(backend.name, fixtures);
  runOrganizationStoreConformance(backend.name, fixtures);
  runTeamStoreConformance(backend.name, fixtures);
  runNamespaceStoreConformance(backend.name, fixtures);
  runTokenStoreConformance(backend.name, fixtures);
  runRobotStoreConformance(backend.name, fixtures);
  runAuditStoreConformance(backend.name, fixtures);
  runLoginLimitStoreConformance(backend.name, fixtures);
});
