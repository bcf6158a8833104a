/**
 * @module
 * The one configuration schema. Every key has a default so `wharf serve`
 * runs with none; objects are strict so a misspelt key is an error that names
 * it instead of a setting silently ignored. Each storage and database driver's
 * options sit next to its name.
 */
import { z } from "zod";
import { compileSemverRange } from "../gc/semver-range.ts";
import { parseCidrList } from "../net/cidr-list.ts";

/**
 * `HOST:PORT` with a port of 1–65535 (0 asks the system for any free port,
 * which tests use), checked here so a typo never reaches `listen()`.
 */
const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]*):\d{1,5}$/, "expected HOST:PORT, e.g. 0.0.0.0:5000")
  .refine((text) => Number(text.slice(text.lastIndexOf(":") + 1)) <= 65_535, {
    message: "the port must be between 1 and 65535 (or 0 for any free port), e.g. 0.0.0.0:5000",
  });

const durationUnits = { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 } as const;

/** Marks a schema as a duration (for `config check`, which prints durations as written). */
export const durationMeta = { format: "duration" } as const;

const gib = 1024 * 1024 * 1024;

/** A duration such as `90s`, `10m`, `24h`, `7d`, parsed to milliseconds. */
export const duration = z
  .string()
  .regex(/^\d{1,9}(ms|s|m|h|d)$/, "expected a duration such as 30s, 10m, 24h or 7d")
  .transform((text) => {
    const [, amount, unit] = /^(\d+)(ms|s|m|h|d)$/.exec(text)!;
    return Number(amount) * durationUnits[unit as keyof typeof durationUnits];
  })
  .meta(durationMeta);

/** Writes milliseconds back the way a user would: `24h`, `30d`, `5m`, `90s`, `250ms`. */
export function formatDuration(ms: number): string {
  for (const unit of ["d", "h", "m", "s"] as const) {
    const scale = durationUnits[unit];
    if (ms >= scale && ms % scale === 0 && !(unit === "d" && ms < 2 * scale)) return `${ms / scale}${unit}`;
  }
  return `${ms}ms`;
}

/** A {@link duration} between `min` and `max` (written as durations), so absurd values fail at start. */
function durationBetween(min: string, max: string) {
  const low = duration.parse(min);
  const high = duration.parse(max);
  return duration
    .refine((ms) => ms >= low && ms <= high, { message: `must be between ${min} and ${max}` })
    .meta(durationMeta);
}

const positiveDuration = duration.refine((ms) => ms > 0, "must be longer than 0");

const filesystemStorage = z.strictObject({
  /** Root folder for blobs and upload sessions; default `<dataDir>/blobs`. */
  root: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "Folder for blobs and upload sessions; default `<dataDir>/blobs`." }),
  accelRedirect: z
    .string()
    .regex(/^(\/[A-Za-z0-9._~-]+)+$/, "an absolute URL path without a trailing slash, e.g. /_wharf_blobs")
    .optional()
    .meta({
      description:
        "Behind nginx: answer blob GETs with `X-Accel-Redirect: <this prefix>/blobs/<algorithm>/<xx>/<hex>` and no body, " +
        "so nginx serves the file itself (sendfile, Range included) from an `internal` location aliased to the storage " +
        "root (examples/nginx/wharf.conf). Wharf still authorizes and looks the blob up. Only with a proxy in front.",
    }),
  offload: z
    .enum(["none", "x-accel-redirect", "x-sendfile"])
    .optional()
    .meta({
      description:
        "Behind a reverse proxy, let it send blob bytes (sendfile, Range included) after Wharf authorized the GET: " +
        "`x-accel-redirect` (nginx; the prefix is `accelRedirect`, default `/_wharf_blobs`), `x-sendfile` (Apache mod_xsendfile, " +
        "lighttpd, Caddy plugins; the header names the blob file's absolute path), or `none`. Unset: `x-accel-redirect` when " +
        "`accelRedirect` is set, else `none`. Only with a proxy in front that strips these headers from upstream answers it does not act on.",
    }),
});

const s3Storage = z
  .strictObject({
    /** The S3 API endpoint (MinIO, R2, GCS, a test server); AWS's own when unset. */
    endpoint: z
      .url()
      .optional()
      .meta({ description: "The S3 API endpoint (MinIO, R2, GCS, a test server); AWS's own when unset." }),
    /** The bucket; it must exist. Required when `driver` is `s3`. */
    bucket: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "expected an S3 bucket name (3-63 of a-z, 0-9, '.', '-')")
      .optional()
      .meta({ description: "The bucket; it must exist. Required when `driver` is `s3`." }),
    /** The region; else AWS_REGION, the AWS profile, or `us-east-1`. */
    region: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "The region; else AWS_REGION, the AWS profile, or `us-east-1`." }),
    /** Address buckets as `endpoint/bucket/key` (MinIO and most S3-compatible servers need this). */
    forcePathStyle: z.boolean().default(false).meta({
      description: "Address buckets as `endpoint/bucket/key` (MinIO and most S3-compatible servers need this).",
    }),
    /** Static credentials; when unset, the standard AWS chain (environment, profile, web identity, instance role). */
    accessKeyId: z.string().min(1).optional().meta({
      description:
        "Static credentials; when unset, the standard AWS chain (environment, profile, web identity, instance role).",
    }),
    secretAccessKey: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "Static secret key, with accessKeyId; never logged." }),
    /** A folder inside the bucket for everything Wharf stores, e.g. `wharf/`; the bucket's root when empty. */
    prefix: z
      .string()
      .regex(/^([A-Za-z0-9_.-]+\/)*$/, "expected folder names separated and ended by '/', e.g. wharf/ (no leading '/')")
      .refine((prefix) => !prefix.split("/").some((part) => part === "." || part === ".."), "no '.' or '..' folders")
      .default("")
      .meta({
        description:
          "A folder inside the bucket for everything Wharf stores, e.g. `wharf/`; the bucket's root when empty.",
      }),
  })
  .refine((s3) => (s3.accessKeyId === undefined) === (s3.secretAccessKey === undefined), {
    message: "set both accessKeyId and secretAccessKey, or neither (then the standard AWS credential chain is used)",
  });

const sqliteDatabase = z.strictObject({
  /** Database file; default `<dataDir>/wharf.db`. */
  path: z.string().min(1).optional().meta({ description: "SQLite database file; default `<dataDir>/wharf.db`." }),
  /** `full`: a write is answered only once its commit is on disk (an acknowledged push survives power loss). */
  synchronous: z.enum(["full", "normal"]).default("full").meta({
    description:
      "`full` answers a write only once its commit is on disk (an fsync of the WAL, shared by the commits that arrive meanwhile), so an acknowledged push survives power loss; `normal` does not wait for it (a process crash loses nothing, a power loss may lose the last commits).",
  }),
  backupBeforeMigrate: z.boolean().optional().meta({
    description: "Copy the database to `<dataDir>/backups/` before a start applies migrations (default true).",
  }),
});

/** PostgreSQL: one database shared by every node (scale-out). */
const postgresDatabase = z.strictObject({
  url: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, "expected a URL such as postgres://wharf:PASSWORD@db.example:5432/wharf")
    .optional()
    .meta({
      description:
        "Connection URL `postgres://USER:PASSWORD@HOST:PORT/DATABASE` (query options such as `sslmode` allowed); the password is never logged.",
    }),
  poolSize: z
    .number()
    .int()
    .min(1)
    .max(200)
    .default(10)
    .meta({ description: "Connections each node keeps open at most." }),
});

/**
 * Built-in TLS: PEM files (the certificate file may hold the chain after the
 * leaf). Re-read on SIGHUP and when either file changes; TLS 1.2 or newer.
 */
const tlsFiles = z.strictObject({
  cert: z
    .string({ error: "set tls.cert (--tls-cert) too: the path of the PEM certificate (chain allowed)" })
    .min(1, "the path of a PEM certificate (chain allowed)")
    .meta({ description: "PEM certificate file (the chain may follow the leaf); re-read on SIGHUP and on change." }),
  key: z
    .string({ error: "set tls.key (--tls-key) too: the path of the certificate's PEM private key" })
    .min(1, "the path of the certificate's PEM private key")
    .meta({ description: "PEM private key of tls.cert." }),
});

/**
 * A list of CIDRs: a YAML list, or one comma-separated string (how an
 * environment variable such as WHARF_OUTBOUND__ALLOW writes it).
 */
const cidrList = z.preprocess(
  (value) =>
    typeof value === "string"
      ? value
          .split(",")
          .map((entry) => entry.trim())
          .filter((entry) => entry !== "")
      : value,
  z.array(z.string()).superRefine((entries, context) => {
    for (const [index, entry] of entries.entries()) {
      try {
        parseCidrList([entry]);
      } catch (error) {
        context.addIssue({ code: "custom", path: [index], message: (error as Error).message });
      }
    }
  }),
);

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
    .url({ protocol: /^https?$/, error: "expected an http:// or https:// URL" })
    .optional()
    .meta({ description: "The URL clients use to reach this server; derived from each request when unset." }),
  /** Serve HTTPS with these files; plain HTTP (e.g. behind a TLS-terminating proxy) when unset. */
  tls: tlsFiles.optional(),
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
      driver: z.enum(["filesystem", "s3"]).default("filesystem").meta({ description: "Where blobs are stored." }),
      filesystem: filesystemStorage.default({}),
      s3: s3Storage.default({ forcePathStyle: false, prefix: "" }),
      redirect: z.boolean().default(false).meta({
        description:
          "Answer blob GETs with a 307 to a presigned URL of the object store (s3 only), so bytes bypass Wharf.",
      }),
      redirectTtl: positiveDuration
        .refine((ms) => ms <= 7 * 86_400_000, "at most 7d (S3's limit for presigned URLs)")
        .default(1_200_000)
        .meta({ description: "How long a presigned URL stays valid." }),
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
    .refine((storage) => (storage.filesystem.offload ?? "none") === "none" || storage.driver === "filesystem", {
      message: "storage.filesystem.offload serves files from disk: set storage.driver to filesystem, or remove it",
      path: ["filesystem", "offload"],
    })
    .refine(
      (storage) => storage.filesystem.accelRedirect === undefined || storage.filesystem.offload !== "x-sendfile",
      {
        message:
          "storage.filesystem.accelRedirect is the X-Accel-Redirect prefix: remove it, or set offload to x-accel-redirect",
        path: ["filesystem", "accelRedirect"],
      },
    )
    .refine((storage) => storage.filesystem.accelRedirect === undefined || storage.driver === "filesystem", {
      message:
        "storage.filesystem.accelRedirect serves files from disk: set storage.driver to filesystem, or remove it",
      path: ["filesystem", "accelRedirect"],
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
      driver: z
        .enum(["sqlite", "postgres"])
        .default("sqlite")
        .meta({ description: "Where metadata is stored: `sqlite` (embedded) or `postgres` (shared by every node)." }),
      sqlite: sqliteDatabase.default({ synchronous: "full" }),
      postgres: postgresDatabase.default({ poolSize: 10 }),
    })
    .refine((d) => d.driver !== "postgres" || d.postgres.url !== undefined, {
      message: "database.driver is postgres: set database.postgres.url (WHARF_DATABASE__POSTGRES__URL)",
      path: ["postgres", "url"],
    })
    .default({ driver: "sqlite", sqlite: { synchronous: "full" }, postgres: { poolSize: 10 } }),
  uploads: z
    .strictObject({
      /** An upload session untouched this long is removed with its data. */
      expireAfter: durationBetween("1ms", "365d")
        .default(86_400_000)
        .meta({ description: "An upload session untouched this long is removed with its data." }),
    })
    .default({ expireAfter: 86_400_000 }),
  gc: z
    .strictObject({
      grace: durationBetween("1ms", "365d").default(3_600_000).meta({
        description:
          "Garbage collection never deletes a blob or link referenced (pushed, linked, used by a manifest) within this window, so pushes in progress are never broken.",
      }),
      untaggedGrace: durationBetween("1ms", "3650d").optional().meta({
        description:
          "Untagged manifests (not listed by a kept index, not referrers of a kept manifest) last referenced longer ago than this are deleted by garbage collection; unset keeps every untagged manifest (pulls by digest keep working).",
      }),
      schedule: durationBetween("1m", "365d").optional().meta({
        description: "Run garbage collection every this long (e.g. `24h`); unset runs it only on `wharf gc`.",
      }),
      retention: z
        .array(
          z.strictObject({
            repositories: z.string().min(1).max(300).meta({
              description:
                "Repositories the rule governs: a name or a `*` glob (`shop/*`); the first matching rule wins.",
            }),
            keepLast: z.number().int().min(0).optional().meta({
              description: "Keep this many most recently pushed tags.",
            }),
            keepTags: z.array(z.string().min(1).max(128)).max(100).optional().meta({
              description: "Always keep tags matching one of these `*` globs (`v*`, `latest`).",
            }),
            keepPushedWithin: durationBetween("1ms", "3650d").optional().meta({
              description: "Keep tags pushed (moved) within this window (`30d`).",
            }),
            keepPulledWithin: durationBetween("1ms", "3650d").optional().meta({
              description:
                "Keep tags pulled within this window (`90d`); pull times are recorded in batches, a tag never pulled since counts as not pulled.",
            }),
            keepSemver: z
              .string()
              .min(1)
              .max(200)
              .superRefine((range, ctx) => {
                try {
                  compileSemverRange(range);
                } catch (error) {
                  ctx.addIssue({ code: "custom", message: (error as Error).message });
                }
              })
              .optional()
              .meta({
                description:
                  "Keep tags that are versions in this semver range (`>=2.0.0 <3`, `^1.2`, `~1.4`, `1.x`; a leading `v` is allowed).",
              }),
            untaggedAfter: durationBetween("1ms", "3650d").optional().meta({
              description: "Untagged manifests of these repositories go after this (overrides `gc.untaggedGrace`).",
            }),
          }),
        )
        .max(1000)
        .default([])
        .meta({
          description:
            "Tag retention rules applied by garbage collection: a tag no criterion of its rule keeps (`keepLast`, `keepTags`, `keepPushedWithin`, `keepPulledWithin`, `keepSemver`) is deleted.",
        }),
    })
    .default({ grace: 3_600_000, retention: [] }),
  webhooks: z
    .strictObject({
      endpoints: z
        .array(
          z.strictObject({
            url: z
              .string()
              .regex(/^https?:\/\/\S+$/, "expected an http:// or https:// URL")
              .max(2000)
              .meta({ description: "Where events are POSTed (through the outbound guard)." }),
            secret: z.string().min(16).max(256).meta({
              description: "Key of the body's HMAC-SHA256 signature (`X-Wharf-Signature: sha256=…`); 16+ characters.",
            }),
            events: z
              .array(z.enum(["push", "delete", "pull", "quota", "license", "gc"]))
              .min(1)
              .default(["push", "delete"])
              .meta({
                description:
                  "Events sent: `push` (a manifest stored), `delete` (a tag or manifest deleted), `pull` (pulls counted per window), `quota`, `license`, `gc`.",
              }),
            repositories: z
              .string()
              .min(1)
              .max(300)
              .default("*")
              .meta({ description: "Repositories whose events are sent: a name or `*` glob." }),
          }),
        )
        .max(100)
        .default([])
        .meta({ description: "Instance-wide webhook endpoints: they receive the events of every organization." }),
      retryBase: durationBetween("1ms", "1h").default(1000).meta({
        description: "First retry delay of a failed delivery; each next retry waits twice as long.",
      }),
      attempts: z.number().int().min(1).max(20).default(6).meta({
        description: "Deliveries tried per event and endpoint before giving up (logged).",
      }),
      retryMax: durationBetween("1ms", "1d").default(3_600_000).meta({
        description: "The longest wait between two tries of a delivery (the exponential backoff's cap).",
      }),
      pullWindow: durationBetween("1s", "1d").default(60_000).meta({
        description:
          "Pulls are counted per repository and digest over this window, then sent as one `pull` event each.",
      }),
      keepDeliveries: durationBetween("1h", "3650d")
        .default(30 * 86_400_000)
        .meta({
          description: "How long the delivery log keeps a delivered or failed delivery (`wharf webhook deliveries`).",
        }),
    })
    .default({
      endpoints: [],
      retryBase: 1000,
      attempts: 6,
      retryMax: 3_600_000,
      pullWindow: 60_000,
      keepDeliveries: 30 * 86_400_000,
    }),
  immutableTags: z
    .array(
      z.strictObject({
        repositories: z.string().min(1).max(300).meta({
          description: "Repositories the rule covers: a name or a `*` glob (`shop/*`).",
        }),
        tags: z
          .array(z.string().min(1).max(128))
          .min(1)
          .max(100)
          .meta({ description: "Tag `*` globs (`v*`) that, once pushed, may not be moved or deleted." }),
      }),
    )
    .max(1000)
    .default([])
    .meta({
      description:
        "Immutable tags: a push that would move a matching tag, or a delete of it, is DENIED naming the rule; retention keeps them.",
    }),
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
      /** Time a client has to send a whole request, except blob uploads (which keep a minimum rate instead). */
      requestTimeout: positiveDuration.default(30_000).meta({
        description:
          "Time a client has to send a whole request, except blob uploads (which keep a minimum rate instead).",
      }),
      /** A blob upload body slower than this over `uploadRateWindow` is cut; the session stays resumable. */
      uploadMinBytesPerSecond: z.number().int().min(1).default(1024).meta({
        description: "A blob upload body slower than this over `uploadRateWindow` is cut; the session stays resumable.",
      }),
      uploadRateWindow: positiveDuration
        .default(30_000)
        .meta({ description: "The window `uploadMinBytesPerSecond` is measured over." }),
      /** Open connections in all, and from one client address (raise the latter behind a reverse proxy). */
      maxConnections: z
        .number()
        .int()
        .min(1)
        .default(4096)
        .meta({ description: "Open connections in all (with `server.workers`, of the whole server, not per worker)." }),
      maxConnectionsPerAddress: z.number().int().min(1).default(256).meta({
        description:
          "Open connections from one client address, for the whole server (raise it behind a reverse proxy).",
      }),
      /** Upload sessions one principal (user and its tokens, robot, or anonymous) may hold open. */
      maxOpenUploadsPerPrincipal: z.number().int().min(1).default(100).meta({
        description:
          "Upload sessions one principal (a user with its tokens, a robot, or all anonymous clients) may hold open.",
      }),
      /** Bytes one principal may hold in unfinished upload sessions. */
      maxUploadBytesPerPrincipal: z
        .number()
        .int()
        .min(1)
        .default(64 * gib)
        .meta({ description: "Bytes one principal may hold in unfinished upload sessions." }),
      /** Largest blob accepted, in bytes. */
      maxBlobBytes: z
        .number()
        .int()
        .min(1)
        .default(32 * gib)
        .meta({ description: "Largest blob accepted, in bytes." }),
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
      tokenTtl: durationBetween("1s", "24h")
        .default(300_000)
        .meta({ description: "Lifetime of the registry bearer tokens clients get from `/auth/token`." }),
      refreshTtl: durationBetween("1s", "365d")
        .default(30 * 86_400_000)
        .meta({ description: "Lifetime of the refresh tokens `docker login` keeps." }),
    })
    .default({ enabled: true, service: "wharf", tokenTtl: 300_000, refreshTtl: 30 * 86_400_000 }),
  outbound: z
    .strictObject({
      /**
       * Special addresses Wharf may connect to for users (secret checks and
       * every later outbound feature): loopback, private, link-local… are
       * refused unless listed here, e.g. `[10.20.0.0/16]` for an internal registry.
       */
      allow: cidrList.default([]).meta({
        description:
          "Special addresses (loopback, private, link-local…) Wharf may connect to for users, as CIDRs; nothing by default.",
      }),
    })
    .default({ allow: [] }),
  proxy: z
    .strictObject({
      /** A cached tag of a proxied repository is served this long before it is revalidated upstream (HEAD). */
      tagTtl: duration.default(300_000).meta({
        description: "A cached tag of a proxied repository is served this long before it is revalidated upstream.",
      }),
      /** An upstream request idle this long (connecting, headers, between body chunks) fails; cached content is then served. */
      upstreamTimeout: duration
        .default(10_000)
        .meta({ description: "An upstream request idle this long fails; cached content is then served." }),
    })
    .default({ tagTtl: 300_000, upstreamTimeout: 10_000 }),
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
        .default([])
        .meta({
          description:
            "Peers (CIDRs) whose X-Forwarded-For, X-Forwarded-Proto/Host and Forwarded headers are believed; none by default.",
        }),
    })
    .default({ trustedProxies: [] }),
  accounts: z
    .strictObject({
      /** Who may create organizations: only server administrators (default), or every user. */
      organizationCreation: z
        .enum(["everyone", "admins"])
        .default("admins")
        .meta({ description: "Who may create organizations: only server administrators (default), or every user." }),
    })
    .default({ organizationCreation: "admins" }),
  server: z
    .strictObject({
      /** Processes that serve requests on the one port (`auto`: one per CPU); `1` keeps a single process. */
      workers: z
        .union([z.literal("auto"), z.number().int().min(1).max(256)])
        .default("auto")
        .meta({
          description:
            "Processes serving the one port (`auto`: one per CPU, as `os.availableParallelism()` counts them); `1` keeps a single process. " +
            "With more than one, a primary process holds the data directory, migrates the database and runs background jobs, and restarts a worker that dies.",
        }),
    })
    .default({ workers: "auto" }),
  releases: z
    .strictObject({
      /** Bytes the cache of server-built bundles (`<dataDir>/release-bundles`) may hold; least recently used go first. */
      bundleCacheMaxBytes: z
        .number()
        .int()
        .min(0)
        .default(100 * gib)
        .meta({
          description:
            "Bytes the cache of server-built airgap bundles (<dataDir>/release-bundles) may hold; past it the least recently used are removed (never one being built or served).",
        }),
      /** A cached bundle unused this long is removed. */
      bundleCacheMaxAge: positiveDuration.default(30 * 86_400_000).meta({
        description: "A cached airgap bundle nobody downloaded for this long is removed (rebuilt on request).",
      }),
    })
    .default({ bundleCacheMaxBytes: 100 * gib, bundleCacheMaxAge: 30 * 86_400_000 }),
});

/** Configuration as written by a user (before defaults). */
export type ConfigInput = z.input<typeof configSchema>;

/** Configuration after validation and defaults. */
export type Config = z.output<typeof configSchema>;
