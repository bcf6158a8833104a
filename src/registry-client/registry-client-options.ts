/**
 * @module
 * How a registry client is configured, and the defaults filled in once so
 * the layers below never see an optional setting. Credentials and the
 * insecure flag are per registry host because one client serves a whole
 * application's images, which come from several registries.
 */
import { createOutboundGuard } from "../net/create-outbound-guard.ts";
import type { OutboundGuard } from "../net/outbound-guard.ts";
import { credentialKeyForHost } from "./credential-key-for-host.ts";

/**
 * Credentials for one registry: a username and password (or access token
 * used as a password, as for GHCR, ECR and GCR), or an identity token (an
 * OAuth2 refresh token, as `docker login` stores for some registries).
 */
export type RegistryCredentials =
  | { readonly username: string; readonly password: string }
  | { readonly identityToken: string };

/**
 * Where credentials come from: a table keyed by host — looked up by the
 * dialed host (`registry-1.docker.io`, `localhost:5000`) and then by
 * {@link credentialKeyForHost} (so `https://index.docker.io/v1/` works for
 * Docker Hub) — or a function given the dialed host.
 */
export type CredentialSource =
  | Readonly<Record<string, RegistryCredentials>>
  | ((host: string) => RegistryCredentials | undefined);

/** Options for `createRegistryClient`. Every field is optional. */
export interface RegistryClientOptions {
  readonly credentials?: CredentialSource;
  /** Use `http://` instead of `https://`: for every host, or for the dialed hosts the function picks. */
  readonly insecure?: boolean | ((host: string) => boolean);
  /** Sent as `User-Agent`; defaults to `wharf-registry-client`. */
  readonly userAgent?: string;
  /** Idle limit per request: connecting, waiting for headers, or between body chunks. Default 30 000. */
  readonly timeoutMs?: number;
  /** Retries of a GET or HEAD after a network error, 5xx or short 429. Default 3. */
  readonly retries?: number;
  /** First backoff delay; each retry doubles it, with jitter. Default 250. */
  readonly retryDelayMs?: number;
  /** The longest `Retry-After` the client waits out itself; longer ones fail at once. Default 10. */
  readonly maxRetryAfterSeconds?: number;
  /**
   * Decides which hosts may be reached, for every request and redirect hop
   * (token realms included). Default: a guard that refuses loopback,
   * private, link-local and other special addresses; the server passes the
   * one built from `outbound.allow`.
   */
  readonly outbound?: OutboundGuard;
}

/** The options with defaults applied and the per-host settings as functions. */
export interface ResolvedOptions {
  readonly credentialsFor: (host: string) => RegistryCredentials | undefined;
  readonly isInsecure: (host: string) => boolean;
  readonly userAgent: string;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly retryDelayMs: number;
  readonly maxRetryAfterSeconds: number;
  readonly outbound: OutboundGuard;
}

/** Applies defaults. Negative or non-finite numbers fall back to the default. */
export function resolveOptions(options: RegistryClientOptions = {}): ResolvedOptions {
  const insecure = options.insecure ?? false;
  return {
    credentialsFor: credentialLookup(options.credentials),
    isInsecure: typeof insecure === "function" ? insecure : () => insecure,
    userAgent: options.userAgent ?? "wharf-registry-client",
    timeoutMs: orDefault(options.timeoutMs, 30_000),
    retries: Math.floor(orDefault(options.retries, 3)),
    retryDelayMs: orDefault(options.retryDelayMs, 250),
    maxRetryAfterSeconds: orDefault(options.maxRetryAfterSeconds, 10),
    outbound: options.outbound ?? createOutboundGuard(),
  };
}

function credentialLookup(source: CredentialSource | undefined): (host: string) => RegistryCredentials | undefined {
  if (source === undefined) return () => undefined;
  if (typeof source === "function") return source;
  return (host) => {
    if (Object.hasOwn(source, host)) return source[host];
    const key = credentialKeyForHost(host);
    return Object.hasOwn(source, key) ? source[key] : undefined;
  };
}

function orDefault(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? value : fallback;
}
