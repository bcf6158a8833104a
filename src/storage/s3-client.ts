/**
 * @module
 * The S3 client and bucket location for the S3 storage driver, built from
 * `storage.s3` in the configuration, and the one place that reads SDK
 * errors: {@link isMissingKey} and {@link backendError}.
 */
import { S3Client } from "@aws-sdk/client-s3";
import type { Config } from "../config/config-schema.ts";
import { StorageBackendError } from "./storage-driver.ts";

const maxConnections = 512;

/** The `storage.s3` configuration. */
export type S3Options = Config["storage"]["s3"];

/** A client and where Wharf's objects live: `prefix` ends with `/` or is empty. */
export interface S3Location {
  readonly client: S3Client;
  readonly bucket: string;
  readonly prefix: string;
}

/**
 * A client for `options`. Static keys when both are configured, else the
 * SDK's standard chain (environment, shared profile, web identity, container
 * or instance role). Checksums are sent only where S3 requires them, as
 * S3-compatible servers that predate AWS's flexible checksums expect.
 */
export function createS3Location(options: S3Options): S3Location {
  if (!options.bucket) throw new Error("storage.s3.bucket is required when storage.driver is s3");
  const client = new S3Client({
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    region: options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1",
    forcePathStyle: options.forcePathStyle,
    ...(options.accessKeyId && options.secretAccessKey
      ? { credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey } }
      : {}),
    // Every streamed pull holds a connection while the client reads: allow many.
    // An unreachable endpoint fails in seconds, a silent one in minutes, never hangs.
    requestHandler: {
      httpAgent: { keepAlive: true, maxSockets: maxConnections },
      httpsAgent: { keepAlive: true, maxSockets: maxConnections },
      connectionTimeout: 10_000,
      requestTimeout: 300_000,
    },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  return { client, bucket: options.bucket, prefix: options.prefix };
}

interface SdkError {
  readonly name?: string;
  readonly Code?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/**
 * Whether an SDK error means "no such key". HeadObject's 404 has no body, so
 * a missing bucket looks the same there; the driver's readiness check lists
 * the bucket, which names a missing bucket plainly.
 */
export function isMissingKey(error: unknown): boolean {
  const sdk = error as SdkError;
  return sdk?.name === "NoSuchKey" || sdk?.name === "NotFound";
}

/** Whether the server refused a byte range (reading at or past the end). */
export function isInvalidRange(error: unknown): boolean {
  const sdk = error as SdkError;
  return sdk?.name === "InvalidRange" || sdk?.$metadata?.httpStatusCode === 416;
}

/** Whether the server does not implement an operation (e.g. UploadPartCopy on some test servers). */
export function isNotImplemented(error: unknown): boolean {
  const sdk = error as SdkError;
  return sdk?.name === "NotImplemented" || sdk?.$metadata?.httpStatusCode === 501;
}

/** Wraps any other SDK error in a {@link StorageBackendError} naming the operation and the key. */
export function backendError(operation: string, key: string, error: unknown): StorageBackendError {
  if (error instanceof StorageBackendError) return error;
  const sdk = error as SdkError;
  const code = sdk?.name ?? sdk?.Code ?? "Error";
  const status = sdk?.$metadata?.httpStatusCode;
  return new StorageBackendError(
    `S3 ${operation} of ${key} failed: ${code}${status ? ` (HTTP ${status})` : ""}: ${sdk?.message ?? String(error)}`,
    { cause: error },
  );
}
