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

/** A duration such as `90s`, `10m`, `24h`, `7d`, parsed to milliseconds. */
export const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)$/, "expected a duration such as 30s, 10m, 24h or 7d")
  .transform((text) => {
    const [, amount, unit] = /^(\d+)(ms|s|m|h|d)$/.exec(text)!;
    const scale = { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 }[unit as "ms"];
    return Number(amount) * scale;
  });

const filesystemStorage = z.strictObject({
  /** Root folder for blobs and upload sessions; default `<dataDir>/blobs`. */
  root: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "Folder for blobs and upload sessions; default `<dataDir>/blobs`." }),
});

const sqliteDatabase = z.strictObject({
  /** Database file; default `<dataDir>/wharf.db`. */
  path: z.string().min(1).optional().meta({ description: "SQLite database file; default `<dataDir>/wharf.db`." }),
  /** `full` fsyncs every commit (an acknowledged push survives power loss). */
  synchronous: z.enum(["full", "normal"]).default("full").meta({
    description: "`full` fsyncs every commit, so an acknowledged push survives power loss; `normal` is faster.",
  }),
});

/** The validated configuration, with defaults applied. */
export const configSchema = z.strictObject({
  listen: hostPort.default("0.0.0.0:5000").meta({ description: "HOST:PORT to listen on (`[::]:5000` for IPv6)." }),
  dataDir: z
    .string()
    .min(1)
    .default("./data")
    .meta({ description: "Data directory: database, blobs, keys, the administrator's first password." }),
  /** The URL clients use to reach this server; derived from the request when unset. */
  publicUrl: z
    .url()
    .optional()
    .meta({ description: "The URL clients use to reach this server; derived from each request when unset." }),
  log: z
    .strictObject({
      level: z
        .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
        .default("info")
        .meta({ description: "Log level of the JSON log on standard error." }),
    })
    .default({ level: "info" }),
  storage: z
    .strictObject({
      driver: z.enum(["filesystem"]).default("filesystem").meta({ description: "Where blobs are stored." }),
      filesystem: filesystemStorage.default({}),
    })
    .default({ driver: "filesystem", filesystem: {} }),
  database: z
    .strictObject({
      driver: z.enum(["sqlite"]).default("sqlite").meta({ description: "Where metadata is stored." }),
      sqlite: sqliteDatabase.default({ synchronous: "full" }),
    })
    .default({ driver: "sqlite", sqlite: { synchronous: "full" } }),
  uploads: z
    .strictObject({
      /** An upload session untouched this long is removed with its data. */
      expireAfter: duration
        .default(86_400_000)
        .meta({ description: "An upload session untouched this long is removed with its data." }),
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
        .default(4 * 1024 * 1024)
        .meta({ description: "Largest manifest body accepted on PUT, in bytes." }),
      /** Largest request header block, in bytes. */
      maxHeaderBytes: z
        .number()
        .int()
        .min(4096)
        .max(1024 * 1024)
        .default(16 * 1024)
        .meta({ description: "Largest request header block, in bytes." }),
    })
    .default({ maxManifestBytes: 4 * 1024 * 1024, maxHeaderBytes: 16 * 1024 }),
  auth: z
    .strictObject({
      /** Off only for a closed network or benchmarks of the core: every request is then allowed. */
      enabled: z.boolean().default(true).meta({
        description:
          "Accounts and token auth; off only for a closed network or benchmarks (every request is then allowed).",
      }),
      /** The `service` name in token challenges and the tokens' audience. */
      service: z
        .string()
        .min(1)
        .max(200)
        .default("wharf")
        .meta({ description: "The `service` name in token challenges and the tokens' audience." }),
      tokenTtl: duration
        .default(300_000)
        .meta({ description: "Lifetime of the registry bearer tokens clients get from `/auth/token`." }),
      refreshTtl: duration
        .default(30 * 86_400_000)
        .meta({ description: "Lifetime of the refresh tokens `docker login` keeps." }),
    })
    .default({ enabled: true, service: "wharf", tokenTtl: 300_000, refreshTtl: 30 * 86_400_000 }),
});

/** Configuration as written by a user (before defaults). */
export type ConfigInput = z.input<typeof configSchema>;

/** Configuration after validation and defaults. */
export type Config = z.output<typeof configSchema>;
