/**
 * @module
 * The one configuration schema. Every key has a default so `wharf serve`
 * runs with none; objects are strict so a misspelt key is an error that names
 * it instead of a setting silently ignored. Each storage and database driver's
 * options sit next to its name.
 */
import { z } from "zod";

const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]*):\d{1,5}$/, "expected HOST:PORT, e.g. 0.0.0.0:5000");

const gib = 1024 * 1024 * 1024;

/** A duration such as `90s`, `10m`, `24h`, `7d`, parsed to milliseconds. */
export const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)$/, "expected a duration such as 30s, 10m, 24h or 7d")
  .transform((text) => {
    const [, amount, unit] = /^(\d+)(ms|s|m|h|d)$/.exec(text)!;
    const scale = { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 }[unit as "ms"];
    return Number(amount) * scale;
  });

const positiveDuration = duration.refine((ms) => ms > 0, "must be longer than 0");

const filesystemStorage = z.strictObject({
  /** Root folder for blobs and upload sessions; default `<dataDir>/blobs`. */
  root: z.string().min(1).optional(),
});

const s3Storage = z
  .strictObject({
    /** The S3 API endpoint (MinIO, R2, GCS, a test server); AWS's own when unset. */
    endpoint: z.url().optional(),
    /** The bucket; it must exist. Required when `driver` is `s3`. */
    bucket: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "expected an S3 bucket name (3-63 of a-z, 0-9, '.', '-')")
      .optional(),
    /** The region; else AWS_REGION, the AWS profile, or `us-east-1`. */
    region: z.string().min(1).optional(),
    /** Address buckets as `endpoint/bucket/key` (MinIO and most S3-compatible servers need this). */
    forcePathStyle: z.boolean().default(false),
    /** Static credentials; when unset, the standard AWS chain (environment, profile, web identity, instance role). */
    accessKeyId: z.string().min(1).optional(),
    secretAccessKey: z.string().min(1).optional(),
    /** A folder inside the bucket for everything Wharf stores, e.g. `wharf/`; the bucket's root when empty. */
    prefix: z
      .string()
      .regex(/^([A-Za-z0-9_.-]+\/)*$/, "expected folder names separated and ended by '/', e.g. wharf/ (no leading '/')")
      .refine((prefix) => !prefix.split("/").some((part) => part === "." || part === ".."), "no '.' or '..' folders")
      .default(""),
  })
  .refine((s3) => (s3.accessKeyId === undefined) === (s3.secretAccessKey === undefined), {
    message: "set both accessKeyId and secretAccessKey, or neither (then the standard AWS credential chain is used)",
  });

const sqliteDatabase = z.strictObject({
  /** Database file; default `<dataDir>/wharf.db`. */
  path: z.string().min(1).optional(),
  /** `full` fsyncs every commit (an acknowledged push survives power loss). */
  synchronous: z.enum(["full", "normal"]).default("full"),
});

/** The validated configuration, with defaults applied. */
export const configSchema = z.strictObject({
  listen: hostPort.default("0.0.0.0:5000"),
  dataDir: z.string().min(1).default("./data"),
  /** The URL clients use to reach this server; derived from the request when unset. */
  publicUrl: z.url().optional(),
  log: z
    .strictObject({
      level: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    })
    .default({ level: "info" }),
  storage: z
    .strictObject({
      driver: z.enum(["filesystem", "s3"]).default("filesystem"),
      filesystem: filesystemStorage.default({}),
      s3: s3Storage.default({ forcePathStyle: false, prefix: "" }),
      /** Answer blob GETs with a 307 to a presigned URL of the object store (s3 only), so bytes bypass Wharf. */
      redirect: z.boolean().default(false),
      /** How long a presigned URL stays valid. */
      redirectTtl: positiveDuration
        .refine((ms) => ms <= 7 * 86_400_000, "at most 7d (S3's limit for presigned URLs)")
        .default(1_200_000),
    })
    .refine((storage) => storage.driver !== "s3" || storage.s3.bucket !== undefined, {
      message: "storage.s3.bucket is required when storage.driver is s3",
      path: ["s3", "bucket"],
    })
    .refine((storage) => !storage.redirect || storage.driver === "s3", {
      message:
        "storage.redirect needs an object store that serves clients itself: set storage.driver to s3, or redirect to false",
      path: ["redirect"],
    })
    .default({
      driver: "filesystem",
      filesystem: {},
      s3: { forcePathStyle: false, prefix: "" },
      redirect: false,
      redirectTtl: 1_200_000,
    }),
  database: z
    .strictObject({
      driver: z.enum(["sqlite"]).default("sqlite"),
      sqlite: sqliteDatabase.default({ synchronous: "full" }),
    })
    .default({ driver: "sqlite", sqlite: { synchronous: "full" } }),
  uploads: z
    .strictObject({
      /** An upload session untouched this long is removed with its data. */
      expireAfter: duration.default(86_400_000),
    })
    .default({ expireAfter: 86_400_000 }),
  limits: z
    .strictObject({
      /** Largest manifest body accepted on PUT, in bytes. */
      maxManifestBytes: z
        .number()
        .int()
        .min(1024)
        .max(64 * 1024 * 1024)
        .default(4 * 1024 * 1024),
      /** Largest request header block, in bytes. */
      maxHeaderBytes: z
        .number()
        .int()
        .min(4096)
        .max(1024 * 1024)
        .default(16 * 1024),
      /** Time a client has to send a whole request, except blob uploads (which keep a minimum rate instead). */
      requestTimeout: positiveDuration.default(30_000),
      /** A blob upload body slower than this over `uploadRateWindow` is cut; the session stays resumable. */
      uploadMinBytesPerSecond: z.number().int().min(1).default(1024),
      uploadRateWindow: positiveDuration.default(30_000),
      /** Open connections in all, and from one client address (raise the latter behind a reverse proxy). */
      maxConnections: z.number().int().min(1).default(4096),
      maxConnectionsPerAddress: z.number().int().min(1).default(256),
      /** Upload sessions one principal (user and its tokens, robot, or anonymous) may hold open. */
      maxOpenUploadsPerPrincipal: z.number().int().min(1).default(100),
      /** Bytes one principal may hold in unfinished upload sessions. */
      maxUploadBytesPerPrincipal: z
        .number()
        .int()
        .min(1)
        .default(64 * gib),
      /** Largest blob accepted, in bytes. */
      maxBlobBytes: z
        .number()
        .int()
        .min(1)
        .default(32 * gib),
    })
    .default({
      maxManifestBytes: 4 * 1024 * 1024,
      maxHeaderBytes: 16 * 1024,
      requestTimeout: 30_000,
      uploadMinBytesPerSecond: 1024,
      uploadRateWindow: 30_000,
      maxConnections: 4096,
      maxConnectionsPerAddress: 256,
      maxOpenUploadsPerPrincipal: 100,
      maxUploadBytesPerPrincipal: 64 * gib,
      maxBlobBytes: 32 * gib,
    }),
  auth: z
    .strictObject({
      /** Off only for a closed network or benchmarks of the core: every request is then allowed. */
      enabled: z.boolean().default(true),
      /** The `service` name in token challenges and the tokens' audience. */
      service: z.string().min(1).max(200).default("wharf"),
      tokenTtl: duration.default(300_000),
      refreshTtl: duration.default(30 * 86_400_000),
    })
    .default({ enabled: true, service: "wharf", tokenTtl: 300_000, refreshTtl: 30 * 86_400_000 }),
});

/** Configuration as written by a user (before defaults). */
export type ConfigInput = z.input<typeof configSchema>;

/** Configuration after validation and defaults. */
export type Config = z.output<typeof configSchema>;
