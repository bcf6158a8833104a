/**
 * @module
 * The tables Wharf's metadata lives in, as Kysely sees them. Times are
 * milliseconds since the epoch; digests are canonical `algorithm:hex` text.
 * Manifests are kept in the database (they are small and bounded), so a
 * manifest GET is one indexed query; blob bytes live in the storage driver.
 */
import type { ColumnType, Generated } from "kysely";

export interface RepositoriesTable {
  id: Generated<number>;
  name: string;
  created_at: number;
}

/** Every verified blob in storage, once, whatever repositories link it. */
export interface BlobsTable {
  digest: string;
  size: number;
  created_at: number;
  /** Raised by every link, reservation and manifest referencing it (garbage collection's grace). */
  last_referenced_at: number;
  /** Set while the garbage collector deletes the blob's file; a push waits for it to finish. */
  deleting_at: number | null;
}

/** A blob belongs to a repository only through a link: a digest alone grants nothing. */
export interface RepositoryBlobsTable {
  repository_id: number;
  digest: string;
  created_at: number;
  last_referenced_at: number;
}

/** A namespace's byte limit (quotas). */
export interface NamespaceQuotasTable {
  namespace: string;
  max_bytes: number;
  updated_at: number;
  /** Percent of the limit that raises a warning; null: the default. */
  warn_percent: ColumnType<number | null, number | null | undefined, number | null>;
  /** When usage crossed the warning threshold; null while below it. */
  warned_at: ColumnType<number | null, number | null | undefined, number | null>;
}

/** A tag pattern kept immutable in a namespace (`target` without '/') or a repository. */
export interface ImmutableTagRulesTable {
  target: string;
  pattern: string;
  created_at: number;
}

export interface ManifestsTable {
  repository_id: number;
  digest: string;
  media_type: string;
  size: number;
  content: Uint8Array;
  artifact_type: string | null;
  subject_digest: string | null;
  annotations: string | null;
  created_at: number;
  last_referenced_at: number;
}

export interface TagsTable {
  repository_id: number;
  name: string;
  manifest_digest: string;
  updated_at: number;
  /** The last pull by tag (recorded in batches); null when never pulled since migration 0014. */
  pulled_at: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface UsersTable {
  id: Generated<number>;
  name: string;
  email: string | null;
  password_hash: string;
  is_admin: number;
  disabled: number;
  created_at: number;
  credentials_epoch: Generated<number>;
}

export interface OrganizationsTable {
  id: Generated<number>;
  name: string;
  created_at: number;
}

export interface OrganizationMembersTable {
  org_id: number;
  user_id: number;
  owner: number;
}

export interface TeamsTable {
  id: Generated<number>;
  org_id: number;
  name: string;
  role: string;
  created_at: number;
}

export interface TeamMembersTable {
  team_id: number;
  user_id: number;
}

/** One namespace per user, organization and application; `public` opens all its repositories to pulls. */
export interface NamespacesTable {
  name: string;
  kind: "user" | "organization" | "application";
  user_id: number | null;
  org_id: number | null;
  public: number;
  created_at: number;
}

export interface RepositorySettingsTable {
  name: string;
  public: number;
}

export interface RepositoryGrantsTable {
  repository: string;
  team_id: number | null;
  user_id: number | null;
  role: string;
}

export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  token_hash: string;
  scopes: string;
  expires_at: number | null;
  revoked_at: number | null;
  created_at: number;
  last_used_at: number | null;
}

export interface RobotsTable {
  id: Generated<number>;
  org_id: number;
  name: string;
  secret_hash: string;
  scopes: string;
  revoked_at: number | null;
  created_at: number;
}

export interface AuditEventsTable {
  id: Generated<number>;
  at: number;
  actor: string;
  action: string;
  target: string;
  detail: string | null;
  remote: string | null;
}

export interface LoginFailuresTable {
  key: string;
  failures: number;
  window_started_at: number;
}

/**
 * A pull secret of an organization. The password (or identity token) is only
 * ever stored as `encryptSecret` output bound to `docker-secret:<org_id>:<id>`;
 * `key_version` repeats the version that ciphertext names so a rotation finds
 * stale rows with an indexed query instead of reading every row.
 */
export interface DockerSecretsTable {
  id: Generated<number>;
  org_id: number;
  name: string;
  kind: "docker-hub" | "private-registry";
  registry_url: string;
  registry_key: string;
  insecure: number;
  credential: "password" | "identity-token";
  username: string;
  email: string | null;
  password_ciphertext: string;
  key_version: number;
  created_at: number;
  updated_at: number;
}

/** A service deployment of an organization; `ports`, `env` and `command` are JSON text. */
export interface ServicesTable {
  id: Generated<number>;
  org_id: number;
  name: string;
  image: string;
  secret_name: string | null;
  replicas: number;
  ports: string;
  env: string;
  command: string;
  created_at: number;
  updated_at: number;
}

/**
 * An upstream registry of an organization (the pull-through proxy's source).
 * The password is only ever stored as `encryptSecret` output bound to
 * `external-registry:<org_id>:<id>`; both it and `username` are null for an
 * anonymous registry, and `key_version` is then 0.
 */
export interface ExternalRegistriesTable {
  id: Generated<number>;
  org_id: number;
  name: string;
  host: string;
  base_url: string;
  prefix: string;
  insecure: number;
  username: string | null;
  password_ciphertext: string | null;
  key_version: number;
  created_at: number;
  updated_at: number;
}

/** A vendor's customer, in one application's namespace. */
export interface CustomersTable {
  id: Generated<number>;
  app_slug: string;
  name: string;
  email: string | null;
  created_at: number;
}

/** A customer's license: only the SHA-256 of its secret id is kept; `entitlements` is JSON text. */
export interface LicensesTable {
  id: Generated<number>;
  customer_id: number;
  public_id: string;
  secret_hash: string;
  channel: string | null;
  entitlements: string;
  expires_at: number | null;
  revoked_at: number | null;
  created_at: number;
  /** The secret id encrypted under the master key (migration 0008); null for older licenses. */
  sealed_id: ColumnType<string | null, string | null | undefined, string | null>;
}

/** One manifest or blob a license pulled. */
export interface LicensePullsTable {
  id: Generated<number>;
  license_id: number;
  at: number;
  repository: string;
  reference: string;
  digest: string | null;
  kind: "manifest" | "blob" | "bundle";
  bytes: number;
  remote: string | null;
}

/** Releases of applications (migration 0007_releases); `channels` and `images` are JSON text. */
export interface ReleasesTable {
  id: Generated<number>;
  app_slug: string;
  version: string;
  channels: string;
  images: string;
  created_at: number;
}

/** A token-signing key shared by every node (PostgreSQL deployments). */
export interface TokenSigningKeysTable {
  kid: string;
  created_at: number;
  private_jwk: string;
}

/** A custom license field of an application (migration 0012); `choices` is JSON text for enums. */
export interface LicenseFieldDefinitionsTable {
  app_slug: string;
  name: string;
  type: string;
  choices: string | null;
  created_at: number;
}

/** One license's value of one custom field, in the field's canonical text form. */
export interface LicenseFieldValuesTable {
  license_id: number;
  name: string;
  value: string;
}

/** The Ed25519 key license documents are signed with (migration 0012). */
export interface LicenseSigningKeysTable {
  kid: string;
  created_at: number;
  private_jwk: string;
}

/** A chart tag promoted to a channel (migration 0012); `repository` is `<app>/<chart>`. */
export interface ChartChannelTagsTable {
  repository: string;
  channel: string;
  tag: string;
  promoted_at: number;
}

/** An organization's webhook (migration 0013); `events` is JSON text, the secret sealed to `webhook:<org_id>:<id>`. */
export interface WebhooksTable {
  id: Generated<number>;
  org_id: number;
  url: string;
  events: string;
  repositories: string;
  secret_ciphertext: string;
  key_version: number;
  created_by: string;
  created_at: number;
}

/** One event for one webhook (null `webhook_id`: a configuration-file endpoint); `state` pending, delivered or failed. */
export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: number | null;
  url: string;
  event: string;
  body: string;
  state: string;
  attempts: number;
  next_attempt_at: number | null;
  claimed_until: number | null;
  last_status: number | null;
  last_error: string | null;
  last_duration_ms: number | null;
  redelivery_of: string | null;
  created_at: number;
  updated_at: number;
}

/** One try of a delivery. */
export interface WebhookAttemptsTable {
  delivery_id: string;
  attempt: number;
  at: number;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
}

/** A named progress mark of the webhook module (e.g. the license-expiry watch). */
export interface WebhookCursorsTable {
  name: string;
  value: number;
}

/** The whole metadata database. */
export interface Database {
  token_signing_keys: TokenSigningKeysTable;
  users: UsersTable;
  organizations: OrganizationsTable;
  organization_members: OrganizationMembersTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  namespaces: NamespacesTable;
  repository_settings: RepositorySettingsTable;
  repository_grants: RepositoryGrantsTable;
  api_tokens: ApiTokensTable;
  robots: RobotsTable;
  audit_events: AuditEventsTable;
  login_failures: LoginFailuresTable;
  repositories: RepositoriesTable;
  blobs: BlobsTable;
  repository_blobs: RepositoryBlobsTable;
  manifests: ManifestsTable;
  tags: TagsTable;
  namespace_quotas: NamespaceQuotasTable;
  immutable_tag_rules: ImmutableTagRulesTable;
  docker_secrets: DockerSecretsTable;
  services: ServicesTable;
  external_registries: ExternalRegistriesTable;
  customers: CustomersTable;
  licenses: LicensesTable;
  license_pulls: LicensePullsTable;
  releases: ReleasesTable;
  license_field_definitions: LicenseFieldDefinitionsTable;
  license_field_values: LicenseFieldValuesTable;
  license_signing_keys: LicenseSigningKeysTable;
  chart_channel_tags: ChartChannelTagsTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  webhook_cursors: WebhookCursorsTable;
}
