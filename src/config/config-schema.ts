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
  root: z.string().min(1).optional(),
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
      driver: z.enum(["filesystem"]).default("filesystem"),
      filesystem: filesystemStorage.default({}),
    })
    .default({ driver: "filesystem", filesystem: {} }),
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
    })
    .default({ maxManifestBytes: 4 * 1024 * 1024, maxHeaderBytes: 16 * 1024 }),
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
  http: z
    .strictObject({
      /**
       * Reverse proxies (CIDRs or addresses) whose `X-Forwarded-*` and
       * `Forwarded` headers are believed; empty: none. A comma-separated
       * string is accepted too (for `WHARF_HTTP__TRUSTED_PROXIES`). Parsed
       * (and refused when malformed) at start by `net/cidr-list.ts`.
       */
      trustedProxies: z
        .preprocess(
          (v) =>
            typeof v === "string"
              ? v
                  .split(",")
                  .map((s) => s.trim())
                  .filter((s) => s !== "")
              : v,
          z.array(z.string().max(64)).max(100),
        )
        .default([]),
    })
    .default({ trustedProxies: [] }),
  accounts: z
    .strictObject({
      /** Who may create organizations: only server administrators (default), or every user. */
      organizationCreation: z.enum(["everyone", "admins"]).default("admins"),
    })
    .default({ organizationCreation: "admins" }),
});

/** Configuration as written by a user (before defaults). */
export type ConfigInput = z.input<typeof configSchema>;

/** Configuration after validation and defaults. */
export type Config = z.output<typeof configSchema>;
