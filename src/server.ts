/**
 * @module
 * The composition root: configuration → storage driver and database →
 * services → HTTP server. Nothing else constructs these parts, so every
 * dependency between them is visible here.
 */

import { mkdir } from "node:fs/promises";
import { type AddressInfo, type BlockList, createServer as createNetServer } from "node:net";
import { join } from "node:path";
import type { Kysely } from "kysely";
import type { AuditLog } from "./accounts/audit-log.ts";
import { bootstrapAdmin } from "./accounts/bootstrap-admin.ts";
import { type Accounts, createAccounts } from "./accounts/create-accounts.ts";
import { createManagement } from "./accounts/management-service.ts";
import type { PasswordMemo } from "./accounts/password-memo.ts";
import { createChartDelivery } from "./charts/create-charts.ts";
import type { Config } from "./config/config-schema.ts";
import { createServiceManager } from "./deploy/service-manager.ts";
import { createExternalRegistries } from "./external/create-external-registries.ts";
import { createGarbageCollector, type GarbageCollector } from "./gc/create-garbage-collector.ts";
import { createTagPullRecorder } from "./gc/tag-pull-recorder.ts";
import { createSessionHandler } from "./http/api/api-session.ts";
import { createApiHandler } from "./http/api/create-api-handler.ts";
import { createLicenseSelfHandler, licenseSelfPrefix } from "./http/api/license-self-routes.ts";
import { createBundleDownload, isBundlePath } from "./http/api/release-bundle-download.ts";
import { createTokenAuthorizer } from "./http/auth/token-authorizer.ts";
import { createTokenEndpoint } from "./http/auth/token-endpoint.ts";
import { allowAllAuthorizer } from "./http/authorizer.ts";
import { createHttpServer, type Mount } from "./http/create-http-server.ts";
import type { SharedConnectionCounts } from "./http/limit-connections.ts";
import { createMetrics, type WharfMetrics } from "./http/metrics.ts";
import { attachRequestOrigin, type OriginSettings } from "./http/request-origin.ts";
import { webMount } from "./http/serve-web.ts";
import { loadTlsFiles, reloadTlsOnChange } from "./http/tls-files.ts";
import { createLicensing } from "./licensing/create-licensing.ts";
import { createLicenseSelf } from "./licensing/license-self.ts";
import type { ServedPull } from "./licensing/pull-recorder.ts";
import type { Logger } from "./log/create-logger.ts";
import type { Database } from "./metadata/database-schema.ts";
import { createAccountRemoval } from "./metadata/kysely-account-removal.ts";
import { createExternalRegistryStore } from "./metadata/kysely-external-registry-store.ts";
import { createGcMetadata } from "./metadata/kysely-gc-metadata.ts";
import { createImmutableTagMetadata } from "./metadata/kysely-immutable-tag-metadata.ts";
import { createQuotaMetadata } from "./metadata/kysely-quota-metadata.ts";
import { createRegistryMetadata } from "./metadata/kysely-registry-metadata.ts";
import { createRepositoryContents } from "./metadata/kysely-repository-contents.ts";
import { createSecretsStore } from "./metadata/kysely-secrets-store.ts";
import { createTagPullStore } from "./metadata/kysely-tag-pull-store.ts";
import { openDatabase } from "./metadata/open-database.ts";
import type { ManifestIndex, RepositoryRemoval } from "./metadata/registry-metadata.ts";
import { parseCidrList } from "./net/cidr-list.ts";
import { createOutboundGuard } from "./net/create-outbound-guard.ts";
import type { OutboundGuard } from "./net/outbound-guard.ts";
import { createProxy, routeRepositories } from "./proxy/create-proxy.ts";
import type { TagFreshnessRecord } from "./proxy/tag-freshness.ts";
import type { UpstreamDirectory } from "./proxy/upstream-registry.ts";
import { auditedQuotaEvents } from "./quota/audited-quota-events.ts";
import { createQuotas, type Quotas } from "./quota/create-quotas.ts";
import { combineQuotaEvents, publishedQuotaEvents } from "./quota/quota-events.ts";
import { blobOffloader } from "./registry/blob-offload.ts";
import { createBlobService } from "./registry/blob-service.ts";
import { createImmutableTagRules, type ImmutableTagRules } from "./registry/immutable-tag-rules.ts";
import type { KeyedMutex } from "./registry/keyed-mutex.ts";
import { createLocalRepositories } from "./registry/local-repository.ts";
import { createManifestService } from "./registry/manifest-service.ts";
import type { RepositoryResolver } from "./registry/repository.ts";
import { createUploadQuota, type UploadQuota } from "./registry/upload-quota.ts";
import { createUploadService } from "./registry/upload-service.ts";
import { createRegistryClient } from "./registry-client/create-registry-client.ts";
import type { RegistryClientOptions } from "./registry-client/registry-client-options.ts";
import { createReleases } from "./releases/create-releases.ts";
import type { LocalRepositories } from "./releases/local-source.ts";
import type { KeyRing } from "./secrets/key-ring.ts";
import { type MasterKeySource, openMasterKeySource } from "./secrets/master-key-source.ts";
import { createKeyRotation } from "./secrets/rotate-master-key.ts";
import { type SealCounts, sumSeals, withSealing } from "./secrets/seal-counts.ts";
import { createSecretStoreService } from "./secrets/secret-store-service.ts";
import { createStorageDriver } from "./storage/create-storage-driver.ts";
import { lockDataDir } from "./storage/data-dir-lock.ts";
import { type Clock, systemClock } from "./time/clock.ts";
import { offsetFileClock } from "./time/offset-file-clock.ts";
import { createWebhooks, type Webhooks } from "./webhooks/create-webhooks.ts";

/** A running server. */
export interface RunningServer {
  /** The base URL it answers on, e.g. `http://127.0.0.1:5000`. */
  readonly url: string;
  /** The address it listens on as bound, e.g. `0.0.0.0:5000` or `[::1]:5000`. */
  readonly address: string;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), closes the database. */
  close(graceMs?: number): Promise<void>;
  /** This process's own metrics exposition (a cluster's primary adds its workers' to it). */
  readonly metrics?: () => string;
  /** Counts a served manifest into the pull webhooks (a cluster's primary counts its workers' pulls). */
  readonly pulled?: (pull: PulledManifest) => void;
  /** Writes the audit events this process buffered (a cluster's primary asks it of every process before a read). */
  readonly flushAudit?: () => Promise<void>;
  /** This process's upload quota keeper (a cluster's primary answers its workers' checks with it). */
  readonly uploadQuota?: UploadQuota;
}

/** A served manifest, as the pull webhooks count it. */
export interface PulledManifest {
  readonly repository: string;
  readonly reference: string;
  readonly digest: string | undefined;
  readonly kind: string;
}

const sweepEveryMs = 10 * 60 * 1000;

function splitListen(listen: string): { host: string; port: number } {
  const at = listen.lastIndexOf(":");
  return {
    host: listen.slice(0, at).replace(/^\[|\]$/g, "") || "0.0.0.0",
    port: Number(listen.slice(at + 1)),
  };
}

/** `http.trustedProxies` as a BlockList; a malformed entry stops the start with a message naming the key. */
function trustedProxiesOf(config: Config): BlockList {
  try {
    return parseCidrList(config.http.trustedProxies);
  } catch (error) {
    throw new Error(`http.trustedProxies: ${(error as Error).message}`);
  }
}

/** The wall clock, or the test clock `WHARF_TEST_CLOCK_FILE` names (end-to-end tests drive time with it). */
function serverClock(log: Logger): Clock {
  const file = process.env.WHARF_TEST_CLOCK_FILE;
  if (!file) return systemClock;
  log.warn({ file }, "WHARF_TEST_CLOCK_FILE is set: time is shifted by the offset in that file (tests only)");
  return offsetFileClock(file);
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Pull secrets and service deployments over the accounts services. The
 * master key is loaded (the key file created on first start) before the
 * server listens: a missing or wrong key stops the start with a
 * MasterKeyError saying what to do, rather than failing requests later.
 */
async function createDeploy(
  db: Kysely<Database>,
  accounts: Accounts,
  outbound: OutboundGuard,
  keys: MasterKeySource,
  sealOthers: (ring: KeyRing) => Promise<SealCounts>,
  webhooks?: Webhooks,
) {
  const deps = {
    accounts: accounts.store,
    resolver: accounts.resolver,
    audit: accounts.audit,
    store: createSecretsStore(db),
    keyRing: keys.ring,
    reloadKeyRing: keys.reload,
    createRegistryClient: (options: RegistryClientOptions) => createRegistryClient({ ...options, outbound }),
  };
  const secrets = createSecretStoreService(deps);
  const services = createServiceManager({ ...deps, secrets });
  const external = createExternalRegistries({ ...deps, store: createExternalRegistryStore(db) });
  const rotation = withSealing(external.withRotation(secrets), () => sealOthers(keys.ring()));
  return {
    secrets,
    services,
    external,
    rotateKey: createKeyRotation({
      keys,
      secrets: webhooks ? webhooks.withRotation(rotation, accounts.audit) : rotation,
    }),
    keyRing: keys.ring,
    reloadKeyRing: keys.reload,
  };
}

/** The accounts services and the HTTP parts that expose them. */
async function createAuth(
  db: Kysely<Database>,
  config: Config,
  log: Logger,
  outbound: OutboundGuard,
  metrics: WharfMetrics,
  parts: ServerParts,
  registry: RepositoryRemoval & Pick<ManifestIndex, "getManifest">,
  upkeep?: {
    readonly gc: GarbageCollector;
    readonly quotas: Quotas;
    readonly webhooks?: Webhooks;
    readonly immutableTags: ImmutableTagRules;
  },
  shared?: WorkerShared,
  /** Serializes work across the workers of one server (release bundle builds). */
  exclusive?: KeyedMutex,
) {
  const clock: Clock = parts.now ? { now: parts.now } : serverClock(log);
  // Licenses name upstream images by the external registry's short name; a
  // proxy path may use the host instead. The directory exists once deploy is built.
  let upstreams: UpstreamDirectory | undefined;
  const resolveUpstream = async (app: string, segment: string, path: string) => {
    const located = await upstreams?.locate(app, segment, path);
    return located && { shortName: located.registry.name, path: located.path };
  };
  // The master key seals pull secrets, license ids, license-signing keys and
  // secret license fields, and (shared database) the token-signing keys.
  const keys = await openMasterKeySource({ dataDir: config.dataDir, env: process.env });
  const licensing = createLicensing(db, {
    log,
    clock: () => clock.now(),
    publicUrl: config.publicUrl,
    resolveUpstream,
    keyRing: keys.ring,
  });
  const accounts = await createAccounts(db, config, log, {
    keyRing: keys.ring,
    clock,
    onPasswordCheck: (matched) => metrics.passwordChecks.inc({ result: matched ? "match" : "mismatch" }),
    licenses: licensing.authority,
    ...(shared && { passwordMemo: shared.passwordMemo, flushOtherAudits: shared.flushAudits }),
  });
  const boot = await bootstrapAdmin(accounts.store, config.dataDir, process.env);
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
  const management = createManagement({
    store: accounts.store,
    resolver: accounts.resolver,
    audit: accounts.audit,
    organizationCreation: config.accounts.organizationCreation,
    checkLogin: accounts.verifier.verify,
    clock: accounts.clock,
    registry,
    contents: createRepositoryContents(db),
    removal: createAccountRemoval(db),
  });
  const sealOthers = async (ring: KeyRing) =>
    sumSeals([await licensing.sealValues(ring), await accounts.resealKeys(ring)]);
  const deploy = await createDeploy(db, accounts, outbound, keys, sealOthers, upkeep?.webhooks);
  upstreams = parts.upstreams ?? deploy.external.directory;
  // At start only what is still plain is sealed (cheap); a master-key rotation re-seals the rest.
  const sealedAtStart = sumSeals([
    await licensing.sealPlainValues(keys.ring()),
    await accounts.resealKeys(keys.ring()),
  ]);
  if (sealedAtStart.sealed > 0 || sealedAtStart.failed.length > 0) {
    log.info(
      { sealed: sealedAtStart.sealed, failed: sealedAtStart.failed },
      "sealed stored keys and values under the master key",
    );
  }
  upkeep?.webhooks?.useKeyRing(deploy.keyRing, deploy.reloadKeyRing);
  const licensingServices = licensing.services({
    store: accounts.store,
    resolver: accounts.resolver,
    // License events (created, revoked, extended) reach webhooks through the audit records.
    audit: upkeep?.webhooks ? upkeep.webhooks.withLicenseEvents(accounts.audit) : accounts.audit,
  });
  // Releases read the app's own images from local repositories, which exist
  // after this function; the host customers know us by is known at listen.
  const late: { local?: LocalRepositories; host?: string; delivered?: RepositoryResolver } = {
    ...(config.publicUrl && { host: new URL(config.publicUrl).host }),
  };
  const releases = createReleases(db, {
    accounts: { store: accounts.store, resolver: accounts.resolver, audit: accounts.audit },
    directory: { find: (app, upstream) => upstreams!.find(app, upstream) },
    ownManifest: (repository, reference) => registry.getManifest(repository, reference),
    createClient: (options) => createRegistryClient({ ...options, outbound }),
    licenseChannel: licensing.channelOf,
    localRepositories: () => late.local!,
    dataDir: config.dataDir,
    ownHost: () => late.host ?? "localhost",
    bundleCache: {
      maxBytes: config.releases.bundleCacheMaxBytes,
      maxAgeMs: config.releases.bundleCacheMaxAge,
      ...(exclusive && { exclusive }),
    },
    // A license's bundle carries the app's charts rendered for it (charts/).
    charts: {
      repositories: async (app) => (await createRepositoryContents(db).summaries(app, 1000)).map((r) => r.name),
      asLicense: (name, principal) => late.delivered!(name, { principal, host: late.host ?? "localhost" }),
    },
  });
  const api = createApiHandler({
    management,
    verifier: accounts.verifier,
    audit: accounts.audit,
    deploy,
    external: deploy.external.service,
    log,
    licensing: licensingServices,
    releases: releases.service,
    gc: upkeep?.gc,
    quotas: upkeep?.quotas,
    webhooks: upkeep?.webhooks?.service({
      accounts: accounts.store,
      resolver: accounts.resolver,
      audit: accounts.audit,
    }),
    immutableTags: upkeep?.immutableTags,
  });
  const bundleDownload = createBundleDownload({
    releases: releases.service,
    verifier: accounts.verifier,
    audit: accounts.audit,
    recordPull: licensing.pulls.record,
  });
  // The portal's sign-in; mounted before /api/v1, which would otherwise take the path.
  const session = createSessionHandler({
    verifier: accounts.verifier,
    audit: accounts.audit,
    tokens: management.tokens,
  });
  mounts.push({ prefix: "/api/v1/session", id: "session", handle: session });
  const licenseSelf = createLicenseSelf({
    facts: licensing.facts,
    contents: createRepositoryContents(db),
    releases: (principal) => releases.service.list({ principal }, principal.appSlug),
  });
  const selfHandler = createLicenseSelfHandler({
    verifier: accounts.verifier,
    audit: accounts.audit,
    self: licenseSelf,
  });
  mounts.push({ prefix: licenseSelfPrefix, id: "license-self", handle: selfHandler });
  mounts.push({
    prefix: "/api/v1",
    id: "api",
    handle: (req, res, query, path) =>
      isBundlePath(path) ? bundleDownload(req, res, path, query) : api(req, res, query, path),
  });
  // The pull-through proxy finds the organizations' upstream registries here.
  return { accounts, authorizer, mounts, boot, licensing, upstreams, late };
}

/** Parts given to the server from outside its configuration. */
export interface ServerParts {
  /**
   * The external registries the pull-through proxy reads from. Without one,
   * `proxy/…` names are refused. Defaults to the organizations' external
   * registries (with accounts on); tests may give their own.
   */
  readonly upstreams?: UpstreamDirectory;
  /** The clock proxy tag TTLs and license expiry follow; `Date.now` by default (tests move it). */
  readonly now?: () => number;
}

/**
 * How this process takes part in serving (`server.workers`, cluster/):
 * `single` does everything; a `primary` holds the data directory, migrates,
 * creates keys and the administrator, and runs the background jobs (GC
 * schedule, upload sweep) but does not listen; a `worker` listens and serves.
 * Upload sessions and GC runs are serialized across the processes by `exclusive`.
 */
export type ServerRole =
  | { readonly kind: "single" }
  | { readonly kind: "primary"; readonly exclusive: KeyedMutex }
  | { readonly kind: "worker"; readonly exclusive: KeyedMutex; readonly shared: WorkerShared };

/**
 * What a worker shares with the other processes through its primary, so
 * the server behaves as one: `/metrics` answers for every process, the
 * connection caps count every worker's connections, a password checked
 * by one worker is remembered by all, pull webhooks are counted once, and
 * the upload quotas count every worker's sessions, and a proxied tag is
 * revalidated upstream once for the server.
 */
export interface WorkerShared {
  readonly serverMetrics: () => Promise<string>;
  /** Pull webhooks count in the primary: one event per repository and digest per window for the server. */
  readonly pulled: (pull: PulledManifest) => void;
  /** Writes every other process's buffered audit events (before this worker reads the audit log). */
  readonly flushAudits: () => Promise<void>;
  readonly connections: SharedConnectionCounts;
  readonly passwordMemo: PasswordMemo;
  /** The primary's upload quota keeper, asked over IPC (cluster/upload-quota-calls.ts). */
  readonly uploadQuota: UploadQuota;
  /** The primary's record of when the proxy's tags were checked upstream: one revalidation per server. */
  readonly tagFreshness: TagFreshnessRecord;
}

/** Logs SIGHUP instead of dying of it, when there is nothing to reload. */
function ignoreHangup(log: Logger): { close(): void } {
  const onHangup = () => log.info("SIGHUP: nothing to reload (no tls.cert/tls.key configured)");
  process.on("SIGHUP", onHangup);
  return { close: () => process.off("SIGHUP", onHangup) };
}

/**
 * Fails the way listen() would (EADDRINUSE, EACCES, EADDRNOTAVAIL,
 * ENOTFOUND) before anything is created on disk: a server that cannot
 * listen must not make a data directory or an administrator password.
 */
async function checkCanListen(host: string, port: number): Promise<void> {
  const probe = createNetServer();
  await new Promise<void>((resolve, reject) => {
    probe.once("error", reject);
    probe.listen({ port, host, exclusive: true }, () => resolve());
  });
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}

/**
 * Checks that the address is free, takes the data directory's lock (a
 * second server on the same directory throws DataDirLockedError), builds
 * every part from `config` and starts listening; only then prints the
 * first start's administrator password.
 */
export async function startServer(
  config: Config,
  log: Logger,
  parts: ServerParts = {},
  role: ServerRole = { kind: "single" },
): Promise<RunningServer> {
  const { host, port } = splitListen(config.listen);
  const origins = { trustedProxies: trustedProxiesOf(config), publicUrl: config.publicUrl };
  // Unreadable TLS files stop the start before anything is created.
  const tls = config.tls ? await loadTlsFiles(config.tls) : undefined;
  // A worker shares the port its primary checked, and the primary's lock.
  if (role.kind === "worker") {
    const driver = createStorageDriver(config);
    return await startLocked({ config, log, parts, origins, tls, driver, host, port, unlock: async () => {}, role });
  }
  await checkCanListen(host, port);
  const driver = createStorageDriver(config);
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const lock = await lockDataDir(config.dataDir);
  try {
    return await startLocked({ config, log, parts, origins, tls, driver, host, port, unlock: lock.release, role });
  } catch (error) {
    await lock.release();
    throw error;
  }
}

/** What startLocked works from: the checked settings and the parts made before the lock. */
interface LockedStart {
  readonly config: Config;
  readonly log: Logger;
  readonly parts: ServerParts;
  readonly origins: OriginSettings;
  readonly tls: Awaited<ReturnType<typeof loadTlsFiles>> | undefined;
  readonly driver: ReturnType<typeof createStorageDriver>;
  readonly host: string;
  readonly port: number;
  readonly unlock: () => Promise<void>;
  readonly role: ServerRole;
}

async function startLocked(start: LockedStart): Promise<RunningServer> {
  const { config, log, parts, origins, tls, driver, host, port, unlock, role } = start;
  // Background jobs run once per data directory: in a single server or the primary.
  const background = role.kind !== "worker";
  const db = await openDatabase(config, { log });
  // Every request Wharf makes to another host for a user goes through this guard.
  const outbound = createOutboundGuard({ allow: config.outbound.allow });
  const metrics = createMetrics();
  const metadata = createRegistryMetadata(db, parts.now);
  const clock = parts.now ? { now: parts.now } : serverClock(log);
  const webhooks = createWebhooks({
    db,
    settings: {
      endpoints: config.webhooks.endpoints,
      retryBaseMs: config.webhooks.retryBase,
      retryMaxMs: config.webhooks.retryMax,
      attempts: config.webhooks.attempts,
      pullWindowMs: config.webhooks.pullWindow,
      keepDeliveriesMs: config.webhooks.keepDeliveries,
    },
    guard: outbound,
    log,
    clock: () => clock.now(),
  });
  // Quota warnings go to the audit log (once accounts are up) and to the publish hook (webhooks wire it).
  const quotaAudit: { log?: AuditLog } = {};
  const quotas = createQuotas(createQuotaMetadata(db, parts.now), {
    events: combineQuotaEvents(
      auditedQuotaEvents(() => quotaAudit.log),
      publishedQuotaEvents(webhooks),
    ),
    ...(parts.now && { now: parts.now }),
  });
  const immutableTags = createImmutableTagRules(createImmutableTagMetadata(db, parts.now), config.immutableTags);
  // When each tag was last pulled (retention's keepPulledWithin), written in batches.
  const tagPulls = createTagPullRecorder(createTagPullStore(db), log, parts.now);
  const gc = createGarbageCollector({
    metadata: createGcMetadata(db),
    beforeRun: tagPulls.flush,
    driver,
    log,
    settings: {
      graceMs: config.gc.grace,
      untaggedGraceMs: config.gc.untaggedGrace,
      retention: config.gc.retention,
      immutable: immutableTags.lookup,
    },
    metrics: metrics.gc,
    onReport: webhooks.gcFinished,
    dataDir: config.dataDir,
    ...(parts.now && { now: parts.now }),
    // One collection at a time across the primary's schedule and the workers' API runs.
    ...(role.kind !== "single" && { exclusive: role.exclusive }),
  });
  const stopGcSchedule = config.gc.schedule === undefined || !background ? undefined : gc.schedule(config.gc.schedule);
  const auth = config.auth.enabled
    ? await createAuth(
        db,
        config,
        log,
        outbound,
        metrics,
        { ...parts, now: () => clock.now() },
        metadata,
        { gc, quotas, webhooks, immutableTags },
        role.kind === "worker" ? role.shared : undefined,
        role.kind === "worker" ? role.exclusive : undefined,
      )
    : undefined;
  const authorizer = auth?.authorizer ?? allowAllAuthorizer;
  // Workers ask the primary's keeper: the quotas hold for the whole server.
  const uploadQuota = role.kind === "worker" ? role.shared.uploadQuota : createUploadQuota(driver, config.limits);
  const uploads = createUploadService({
    driver,
    links: metadata,
    checkQuota: quotas.check,
    expireAfterMs: config.uploads.expireAfter,
    quota: uploadQuota,
    maxBlobBytes: config.limits.maxBlobBytes,
    ...(role.kind === "worker" && { exclusive: role.exclusive }),
  });
  const local = createLocalRepositories({
    blobs: createBlobService(driver, metadata, {
      redirectTtlMs: config.storage.redirect ? config.storage.redirectTtl : undefined,
      offload:
        config.storage.driver === "filesystem"
          ? blobOffloader(config.storage.filesystem, config.storage.filesystem.root ?? join(config.dataDir, "blobs"))
          : undefined,
      checkQuota: quotas.check,
    }),
    manifests: createManifestService(metadata, immutableTags.lookup, webhooks.manifestChanged),
    uploads,
  });
  if (auth) auth.late.local = local;
  if (auth) quotaAudit.log = auth.accounts.audit;
  const upstreams = parts.upstreams ?? auth?.upstreams;
  const proxy =
    upstreams &&
    createProxy({
      directory: upstreams,
      driver,
      metadata,
      log,
      tagTtlMs: config.proxy.tagTtl,
      clientOptions: { timeoutMs: config.proxy.upstreamTimeout, outbound },
      maxBlobBytes: config.limits.maxBlobBytes,
      metrics: metrics.proxy,
      ...(parts.now && { now: parts.now }),
      // One upstream download of a blob for the whole server, whichever worker is asked first.
      ...(role.kind === "worker" && { crossProcess: role.exclusive, freshness: role.shared.tagFreshness }),
    });
  const services = {
    // Licenses pull Helm charts rendered with their own values (charts/).
    repositories: auth
      ? createChartDelivery({ facts: auth.licensing.facts, visibleTags: auth.licensing.visibleTags })(
          routeRepositories(local, proxy),
        )
      : routeRepositories(local, proxy),
    catalog: metadata,
    authorizer,
    metrics,
    maxManifestBytes: config.limits.maxManifestBytes,
    onAudited: auth?.accounts.audit.record,
    onPulled: (pull: ServedPull) => {
      auth?.licensing.pulls.record(pull);
      if (role.kind !== "worker") webhooks.pulled(pull);
      else if (pull.kind === "manifest" && pull.digest !== undefined) {
        const { repository, reference, digest, kind } = pull;
        role.shared.pulled({ repository, reference, digest, kind });
      }
      if (pull.kind === "manifest") tagPulls.record(pull.repository, pull.reference);
    },
  };
  if (auth) auth.late.delivered = services.repositories;
  const checkReady = async () => {
    await metadata.listRepositories(undefined, 1);
    await driver.list("");
  };
  const server = createHttpServer({
    tls,
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
    mounts: [...(auth?.mounts ?? []), webMount()],
    ...(role.kind === "worker" && {
      serverMetrics: role.shared.serverMetrics,
      sharedConnections: role.shared.connections,
    }),
  });
  const sweep = () =>
    uploads.sweep(Date.now()).then(
      (removed) => removed > 0 && log.info({ removed }, "removed expired upload sessions"),
      (error: unknown) => log.warn({ err: error }, "upload sweep failed"),
    );
  const timer = background ? setInterval(sweep, sweepEveryMs).unref() : undefined;
  if (background) void sweep();

  // First listener of every request: who sent it and to which URL, computed once (http/request-origin.ts).
  server.prependListener("request", (req) => attachRequestOrigin(req, origins));
  // Once per server: the primary (or the single process) warns, not every worker.
  if (!config.publicUrl && !isLoopback(host) && role.kind !== "worker") {
    log.warn(
      { listen: config.listen },
      "publicUrl is not set: token realms follow each request's Host header; set publicUrl to the URL clients use",
    );
  }
  // The primary does not listen: its workers do, on the port it checked.
  if (role.kind !== "primary") {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      // On Linux workers each bind the port with SO_REUSEPORT: the kernel spreads connections
      // over them, and a dying worker takes only its own connections along (none is left to
      // hang in a hand-off). Elsewhere the cluster's primary accepts and hands connections out.
      if (role.kind === "worker" && process.platform === "linux")
        server.listen({ port, host, reusePort: true, exclusive: true }, () => resolve());
      else server.listen(port, host, () => resolve());
    });
  }
  // SIGHUP re-reads the TLS files; without TLS it must still not end the process (systemctl reload).
  // The primary forwards SIGHUP to its workers (cluster/start-cluster.ts).
  const tlsReloader =
    role.kind === "primary"
      ? undefined
      : config.tls
        ? reloadTlsOnChange(server as never, config.tls, log)
        : ignoreHangup(log);
  webhooks.start();
  const address =
    role.kind === "primary"
      ? { address: host, port, family: host.includes(":") ? "IPv6" : "IPv4" }
      : (server.address() as AddressInfo);
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  // Without publicUrl, bundles name the server's own images by the address it answers on.
  if (auth)
    auth.late.host ??= `${shownHost === "0.0.0.0" ? "127.0.0.1" : shownHost === "[::]" ? "[::1]" : shownHost}:${address.port}`;
  const boot = auth?.boot;
  if (boot?.created && boot.password && role.kind !== "worker") {
    process.stdout.write(
      `created the administrator "admin" with password ${boot.password} (also in ${boot.passwordFile})\n`,
    );
  }
  async function closeParts(): Promise<void> {
    await auth?.accounts.audit.close();
    await auth?.licensing.pulls.close();
    await webhooks.close();
    await tagPulls.close();
    await db.destroy();
    await unlock();
  }
  return {
    url: `${tls ? "https" : "http"}://${shownHost === "0.0.0.0" ? "127.0.0.1" : shownHost === "[::]" ? "[::1]" : shownHost}:${address.port}`,
    address: `${shownHost}:${address.port}`,
    metrics: () => metrics.render(),
    pulled: (pull) => webhooks.pulled(pull),
    flushAudit: async () => {
      await auth?.accounts.audit.flushOwn();
    },
    uploadQuota,
    async close(graceMs = 30_000) {
      clearInterval(timer);
      stopGcSchedule?.();
      tlsReloader?.close();
      if (role.kind === "primary") {
        await closeParts();
        return;
      }
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
      await closeParts();
    },
  };
}
