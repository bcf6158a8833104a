/**
 * @module
 * The external-registry part of the metadata port: the upstream registries
 * an organization pulls its private images through (quay.io, Docker Hub,
 * GHCR, ECR, any v2 registry), as plain rows. The store never sees a
 * password, only the ciphertext the services layer sealed; what a row
 * means (validation, permissions, encryption) is the services' business.
 * Absence is `undefined`.
 */
import type { SealedValue } from "./secrets-metadata.ts";

/** The descriptive fields of an external registry: everything but identity, name, ciphertext and times. */
export interface ExternalRegistryFields {
  /** `host[:port]` as image references write it (`quay.io`, `docker.io`, `127.0.0.1:5001`). */
  readonly host: string;
  /** The URL requests go to: `https://quay.io`, `https://registry-1.docker.io`, `http://127.0.0.1:5001`. */
  readonly baseUrl: string;
  /** Repository path prefix inside the registry (`acme`, `acme/team`), or "". */
  readonly prefix: string;
  /** Served over plain HTTP. */
  readonly insecure: boolean;
  /** Null for a registry pulled from anonymously (then there is no ciphertext either). */
  readonly username: string | null;
}

/** A stored external registry. Times are milliseconds since the epoch. */
export interface ExternalRegistryRow extends ExternalRegistryFields {
  readonly id: number;
  readonly orgId: number;
  /** The short name: a DNS label, unique in the organization. */
  readonly name: string;
  /** The sealed password or token; null when there are no credentials. */
  readonly ciphertext: string | null;
  /** The master-key version of `ciphertext`; 0 when there is none. */
  readonly keyVersion: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** External registries. Names are unique per organization; a duplicate is the driver's constraint error. */
export interface ExternalRegistryStore {
  /**
   * Inserts a registry and, in the same transaction, stores what `seal`
   * returns for the new row's id (the id is bound into the ciphertext);
   * `seal` undefined stores no credentials. Nothing is stored if `seal` throws.
   */
  createExternalRegistry(
    orgId: number,
    name: string,
    fields: ExternalRegistryFields,
    seal: ((id: number) => SealedValue) | undefined,
  ): Promise<ExternalRegistryRow>;
  findExternalRegistry(orgId: number, name: string): Promise<ExternalRegistryRow | undefined>;
  /** The organization's registries by name. */
  listExternalRegistries(orgId: number): Promise<ExternalRegistryRow[]>;
  /**
   * Changes the given fields; `sealed` replaces the ciphertext, `null` removes
   * it (anonymous), undefined keeps it. Stamps `updatedAt`.
   */
  updateExternalRegistry(
    id: number,
    fields: Partial<ExternalRegistryFields> & { readonly name?: string },
    sealed?: SealedValue | null,
  ): Promise<ExternalRegistryRow>;
  deleteExternalRegistry(id: number): Promise<void>;
  /** Up to `limit` registries with credentials not under `currentVersion`, ids above `afterId`, by id. */
  staleExternalRegistries(currentVersion: number, afterId: number, limit: number): Promise<ExternalRegistryRow[]>;
  /**
   * Replaces the ciphertext of registry `id` only if it is still `expected`
   * (compare-and-set, for rotation). Does not stamp `updatedAt`. True when replaced.
   */
  replaceExternalCiphertext(id: number, expected: string, sealed: SealedValue): Promise<boolean>;
}
