/**
 * @module
 * The pull-secret and service-deployment services the management API
 * exposes, as the composition root hands them to the route tables.
 */
import type { Caller } from "../../accounts/management-access.ts";
import type { ServiceManager } from "../../deploy/service-manager.ts";
import type { KeyRotationReport } from "../../secrets/rotate-master-key.ts";
import type { SecretStoreService } from "../../secrets/secret-store-service.ts";

/** The pull-secret and service-deployment services the API exposes. */
export interface DeployServices {
  readonly secrets: SecretStoreService;
  readonly services: ServiceManager;
  /** Adds a master-key version and re-encrypts every secret (server admin). */
  readonly rotateKey: (caller: Caller) => Promise<KeyRotationReport>;
}
