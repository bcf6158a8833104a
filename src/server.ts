/**
 * @module
 * The composition root: configuration → storage driver and database →
 * services → HTTP server. Nothing else constructs these parts, so every
 * dependency between them is visible here.
 */

import { mkdir } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import type { Kysely } from "kysely";
import { bootstrapAdmin } from "./accounts/bootstrap-admin.ts";
import { type Accounts, createAccounts } from "./accounts/create-accounts.ts";
import { createManagement } from "./accounts/management-service.ts";
import type { Config } from "./config/config-schema.ts";
import { createServiceManager } from "./deploy/service-manager.ts";
import { createExternalRegistries } from "./external/create-external-registries.ts";
import { createApiHandler } from "./http/api/create-api-handler.ts";
import { createTokenAuthorizer } from "./http/auth/token-authorizer.ts";
import { createTokenEndpoint } from "./http/auth/token-endpoint.ts";
import { allowAllAuthorizer } from "./http/authorizer.ts";
import { createHttpServer, type Mount } from "./http/create-http-server.ts";
import { createMetrics } from "./http/metrics.ts";
import type { Logger } from "./log/create-logger.ts";
import type { Database } from "./metadata/database-schema.ts";
import { createExternalRegistryStore } from "./metadata/kysely-external-registry-store.ts";
import { createRegistryMetadata } from "./metadata/kysely-registry-metadata.ts";
import { createSecretsStore } from "./metadata/kysely-secrets-store.ts";
import { openDatabase } from "./metadata/open-database.ts";
import { createBlobService } from "./registry/blob-service.ts";
import { createManifestService } from "./registry/manifest-service.ts";
import { createUploadQuota } from "./registry/upload-quota.ts";
import { createUploadService } from "./registry/upload-service.ts";
import { openMasterKeySource } from "./secrets/master-key-source.ts";
import { createKeyRotation } from "./secrets/rotate-master-key.ts";
import { createSecretStoreService } from "./secrets/secret-store-service.ts";
import { createStorageDriver } from "./storage/create-storage-driver.ts";

/** A running server. */
export interface RunningServer {
  /** The base URL it answers on, e.g. `http://127.0.0.1:5000`. */
  readonly url: string;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), closes the database. */
  close(graceMs?: number): Promise<void>;
}

const sweepEveryMs = 10 * 60 * 1000;

function splitListen(listen: string): { host: string; port: number } {
  const at = listen.lastIndexOf(":");
  return {
    host: listen.slice(0, at).replace(/^\[|\]$/g, "") || "0.0.0.0",
    port: Number(listen.slice(at + 1)),
  };
}

/**
 * Pull secrets and service deployments over the accounts services. The
 * master key is loaded (the key file created on first start) before the
 * server listens: a missing or wrong key stops the start with a
 * MasterKeyError saying what to do, rather than failing requests later.
 */
async function createDeploy(db: Kysely<Database>, config: Config, accounts: Accounts) {
  const keys = await openMasterKeySource({ dataDir: config.dataDir, env: process.env });
  const deps = {
    accounts: accounts.store,
    resolver: accounts.resolver,
    audit: accounts.audit,
    store: createSecretsStore(db),
    keyRing: keys.ring,
    reloadKeyRing: keys.reload,
  };
  const secrets = createSecretStoreService(deps);
  const services = createServiceManager({ ...deps, secrets });
  const external = createExternalRegistries({ ...deps, store: createExternalRegistryStore(db) });
  const rotation = external.withRotation(secrets);
  return { secrets, services, external, rotateKey: createKeyRotation({ keys, secrets: rotation }) };
}

/** The accounts services and the HTTP parts that expose them. */
async function createAuth(db: Kysely<Database>, config: Config, log: Logger) {
  const accounts = await createAccounts(db, config, log);
  const boot = await bootstrapAdmin(accounts.store, config.dataDir, process.env);
  if (boot.created && boot.password) {
    process.stdout.write(
      `created the administrator "admin" with password ${boot.password} (also in ${boot.passwordFile})\n`,
    );
  }
  const common = {
    verifier: accounts.verifier,
    resolver: accounts.resolver,
    tokens: accounts.tokens,
    service: config.auth.service,
  };
  const authorizer = createTokenAuthorizer({ ...common, publicUrl: config.publicUrl });
  const tokenEndpoint = createTokenEndpoint({ ...common, audit: accounts.audit });
  const mounts: Mount[] = [
    { prefix: "/auth/token", id: "token", handle: (req, res, query) => tokenEndpoint(req, res, query) },
  ];
  const management = createManagement({ store: accounts.store, resolver: accounts.resolver, audit: accounts.audit });
  const deploy = await createDeploy(db, config, accounts);
  const api = createApiHandler({
    management,
    verifier: accounts.verifier,
    audit: accounts.audit,
    deploy,
    external: deploy.external.service,
    log,
  });
  mounts.push({ prefix: "/api/v1", id: "api", handle: api });
  // The pull-through proxy finds the organizations' upstream registries here.
  return { accounts, authorizer, mounts, upstreams: deploy.external.directory };
}

/** Builds every part from `config` and starts listening. */
export async function startServer(config: Config, log: Logger): Promise<RunningServer> {
  const driver = createStorageDriver(config);
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const db = await openDatabase(config);
  const auth = config.auth.enabled ? await createAuth(db, config, log) : undefined;
  const authorizer = auth?.authorizer ?? allowAllAuthorizer;
  const metadata = createRegistryMetadata(db);
  const metrics = createMetrics();
  const uploads = createUploadService({
    driver,
    links: metadata,
    expireAfterMs: config.uploads.expireAfter,
    quota: createUploadQuota(driver, config.limits),
    maxBlobBytes: config.limits.maxBlobBytes,
  });
  const services = {
    blobs: createBlobService(driver, metadata, {
      redirectTtlMs: config.storage.redirect ? config.storage.redirectTtl : undefined,
    }),
    uploads,
    manifests: createManifestService(metadata),
    catalog: metadata,
    authorizer,
    metrics,
    maxManifestBytes: config.limits.maxManifestBytes,
    onAudited: auth?.accounts.audit.record,
  };
  const checkReady = async () => {
    await metadata.listRepositories(undefined, 1);
    await driver.list("");
  };
  const server = createHttpServer({
    services,
    metrics,
    log,
    maxHeaderBytes: config.limits.maxHeaderBytes,
    limits: {
      requestTimeoutMs: config.limits.requestTimeout,
      uploadMinBytesPerSecond: config.limits.uploadMinBytesPerSecond,
      uploadRateWindowMs: config.limits.uploadRateWindow,
      maxConnections: config.limits.maxConnections,
      maxConnectionsPerAddress: config.limits.maxConnectionsPerAddress,
    },
    checkReady,
    mounts: auth?.mounts ?? [],
  });
  const sweep = () =>
    uploads.sweep(Date.now()).then(
      (removed) => removed > 0 && log.info({ removed }, "removed expired upload sessions"),
      (error: unknown) => log.warn({ err: error }, "upload sweep failed"),
    );
  const timer = setInterval(sweep, sweepEveryMs).unref();
  void sweep();

  const { host, port } = splitListen(config.listen);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost === "0.0.0.0" ? "127.0.0.1" : shownHost}:${address.port}`,
    async close(graceMs = 30_000) {
      clearInterval(timer);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections become idle as their in-flight responses end;
      // close each one then, not only those idle at the moment of the signal.
      server.on("request", (_req, res) => {
        res.shouldKeepAlive = false;
      });
      server.closeIdleConnections();
      const reap = setInterval(() => server.closeIdleConnections(), 100);
      const force = setTimeout(() => server.closeAllConnections(), graceMs).unref();
      await closed;
      clearInterval(reap);
      clearTimeout(force);
      await auth?.accounts.audit.close();
      await db.destroy();
    },
  };
}
