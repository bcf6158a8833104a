/**
 * @module
 * The pull-secret and service part of the metadata port, as plain rows split
 * by role: the secret store never sees a password (only the ciphertext the
 * services layer sealed), and the service store knows a service's pull
 * secret only by name. What the rows mean — validation, permissions,
 * encryption — is the services layer's business. Absence is `undefined`.
 */

/** Where a pull secret's registry is: Docker Hub, or a private registry by URL. */
export type SecretRegistryKind = "docker-hub" | "private-registry";

/** What the ciphertext holds: a password (or access token) or an identity token. */
export type SecretCredentialKind = "password" | "identity-token";

/** A stored ciphertext and the master-key version it was encrypted under. */
export interface SealedValue {
  readonly ciphertext: string;
  readonly keyVersion: number;
}

/** The descriptive fields of a pull secret: everything but identity, name, ciphertext and times. */
export interface DockerSecretFields {
  readonly kind: SecretRegistryKind;
  readonly registryUrl: string;
  readonly registryKey: string;
  readonly insecure: boolean;
  readonly credential: SecretCredentialKind;
  readonly username: string;
  readonly email: string | null;
}

/** A stored pull secret. Times are milliseconds since the epoch. */
export interface DockerSecretRow extends DockerSecretFields, SealedValue {
  readonly id: number;
  readonly orgId: number;
  readonly name: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Pull secrets. Names are unique per organization; a duplicate is the driver's constraint error. */
export interface DockerSecretStore {
  /**
   * Inserts a secret and, in the same transaction, stores what `seal` returns
   * for the new row's id (the id is part of the encryption's associated data,
   * so it must be known before encrypting). Nothing is stored if `seal` throws.
   */
  createSecret(
    orgId: number,
    name: string,
    fields: DockerSecretFields,
    seal: (id: number) => SealedValue,
  ): Promise<DockerSecretRow>;
  findSecret(orgId: number, name: string): Promise<DockerSecretRow | undefined>;
  /** The organization's secrets by name. */
  listSecrets(orgId: number): Promise<DockerSecretRow[]>;
  /** Changes the given fields (and the ciphertext when `sealed` is given); stamps `updatedAt`. */
  updateSecret(id: number, fields: Partial<DockerSecretFields>, sealed?: SealedValue): Promise<DockerSecretRow>;
  /** Renames a secret and, in the same transaction, every service of its organization that uses it. */
  renameSecret(id: number, name: string): Promise<void>;
  deleteSecret(id: number): Promise<void>;
  /** Up to `limit` secrets whose key version is not `currentVersion`, with ids above `afterId`, by id. */
  staleSecrets(currentVersion: number, afterId: number, limit: number): Promise<DockerSecretRow[]>;
  /**
   * Replaces the ciphertext of secret `id` only if it is still `expected`
   * (compare-and-set), so a rotation never overwrites a password changed
   * meanwhile. Does not stamp `updatedAt`. True when the row was replaced.
   */
  replaceCiphertext(id: number, expected: string, sealed: SealedValue): Promise<boolean>;
}

/** One port a service listens on. */
export interface ServicePortRow {
  readonly port: number;
  readonly name: string | null;
  readonly protocol: "TCP" | "UDP";
}

/** The definition of a service, as stored. */
export interface ServiceSpec {
  readonly name: string;
  readonly image: string;
  readonly secretName: string | null;
  readonly replicas: number;
  readonly ports: readonly ServicePortRow[];
  readonly env: Readonly<Record<string, string>>;
  readonly command: readonly string[];
}

/** A stored service. */
export interface ServiceRow extends ServiceSpec {
  readonly id: number;
  readonly orgId: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Service deployments. Names are unique per organization. */
export interface ServiceStore {
  createService(orgId: number, spec: ServiceSpec): Promise<ServiceRow>;
  findService(orgId: number, name: string): Promise<ServiceRow | undefined>;
  /** The organization's services by name. */
  listServices(orgId: number): Promise<ServiceRow[]>;
  /** Replaces the definition (the name included); stamps `updatedAt`. */
  updateService(id: number, spec: ServiceSpec): Promise<ServiceRow>;
  deleteService(id: number): Promise<void>;
  /** Names of the organization's services whose pull secret is `secretName`, sorted. */
  servicesUsingSecret(orgId: number, secretName: string): Promise<string[]>;
}

/** Everything the secrets and deploy services store. */
export type SecretsMetadata = DockerSecretStore & ServiceStore;
