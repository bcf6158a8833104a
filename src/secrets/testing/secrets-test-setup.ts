/**
 * @module
 * The shared setup of the secrets and deploy services' tests: a real SQLite
 * database in a temporary directory, the accounts store with an
 * organization `acme` whose people hold every role (owner, admin-team
 * member, plain member, outsider, server admin, a robot), a master-key ring
 * the test may swap (rotation), an audit log that keeps events in memory,
 * and the services built as the composition root builds them.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Kysely } from "kysely";
import type { Principal } from "../../accounts/access.ts";
import type { Caller } from "../../accounts/management-access.ts";
import { createPermissionResolver } from "../../accounts/permission-resolver.ts";
import { configSchema } from "../../config/config-schema.ts";
import { createServiceManager, type ServiceManager } from "../../deploy/service-manager.ts";
import type { AccountsMetadata, AuditEvent } from "../../metadata/accounts-metadata.ts";
import type { Database } from "../../metadata/database-schema.ts";
import { createAccountsMetadata } from "../../metadata/kysely-accounts-metadata.ts";
import { createSecretsStore } from "../../metadata/kysely-secrets-store.ts";
import { openDatabase } from "../../metadata/open-database.ts";
import { createKeyRing, type KeyRing } from "../key-ring.ts";
import type { RegistryClientFactory, SecretServiceDeps } from "../secret-service-deps.ts";
import { createSecretStoreService, type SecretStoreService } from "../secret-store-service.ts";

/** The people of `acme`, as callers. */
export type Role = "owner" | "admin" | "member" | "outsider" | "root" | "robot" | "anonymous";

/** Everything a test uses. */
export interface SecretsTestSetup {
  readonly dir: string;
  readonly db: Kysely<Database>;
  readonly accounts: AccountsMetadata;
  readonly deps: SecretServiceDeps;
  readonly secrets: SecretStoreService;
  readonly services: ServiceManager;
  readonly audit: AuditEvent[];
  /** The caller acting as `role` in `acme`. */
  as(role: Role): Caller;
  /** Makes `ring` the current ring. */
  useRing(ring: KeyRing): void;
  close(): Promise<void>;
}

/** A ring of fresh random keys for `versions`, encrypting under the highest. */
export function randomRing(...versions: number[]): KeyRing {
  const list = versions.length === 0 ? [1] : versions;
  return createKeyRing(
    list.map((version) => ({ version, key: randomBytes(32) })),
    Math.max(...list),
  );
}

/** A ring holding `ring`'s keys plus a new version, which becomes current. */
export function ringWithNewVersion(ring: KeyRing): KeyRing {
  const version = Math.max(...ring.versions) + 1;
  const keys = ring.versions.map((v) => ({ version: v, key: ring.keyFor(v)! }));
  return createKeyRing([...keys, { version, key: randomBytes(32) }], version);
}

/** Creates the database, people and services. Call `close()` after the tests. */
export async function setUpSecrets(
  options: { createRegistryClient?: RegistryClientFactory } = {},
): Promise<SecretsTestSetup> {
  const dir = await mkdtemp(join(tmpdir(), "wharf-secrets-"));
  const db = await openDatabase(configSchema.parse({ dataDir: dir }));
  const accounts = createAccountsMetadata(db);
  const callers = await createPeople(accounts);
  let ring = randomRing(1);
  const audit: AuditEvent[] = [];
  const deps: SecretServiceDeps = {
    accounts,
    resolver: createPermissionResolver(accounts),
    audit: { record: (event) => void audit.push(event) },
    store: createSecretsStore(db),
    keyRing: () => ring,
    ...(options.createRegistryClient !== undefined && { createRegistryClient: options.createRegistryClient }),
  };
  const secrets = createSecretStoreService(deps);
  const services = createServiceManager({ ...deps, secrets });
  return {
    dir,
    db,
    accounts,
    deps,
    secrets,
    services,
    audit,
    as: (role) => ({ principal: callers[role], remote: "127.0.0.1" }),
    useRing: (next) => {
      ring = next;
    },
    async close() {
      await db.destroy();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function createPeople(store: AccountsMetadata): Promise<Record<Role, Principal>> {
  const user = async (name: string, isAdmin = false) => {
    const row = await store.createUser(name, null, "unused", isAdmin);
    return { kind: "user", name, userId: row.id, isAdmin } as const;
  };
  const [owner, admin, member, outsider, root] = [
    await user("owner"),
    await user("admin"),
    await user("member"),
    await user("outsider"),
    await user("root", true),
  ];
  const acme = await store.createOrganization("acme", owner.userId);
  await store.createOrganization("other", outsider.userId);
  const admins = await store.createTeam(acme.id, "admins", "admin");
  await store.setMembership(acme.id, admin.userId, false);
  await store.setMembership(acme.id, member.userId, false);
  await store.addTeamMember(admins.id, admin.userId);
  const robot: Principal = { kind: "robot", name: "acme+ci", robotId: 1, orgId: acme.id, scopes: [] };
  return { owner, admin, member, outsider, root, robot, anonymous: { kind: "anonymous", name: "anonymous" } };
}
