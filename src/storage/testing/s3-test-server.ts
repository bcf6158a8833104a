/**
 * @module
 * Test-only: an `s3rver` S3 endpoint on an ephemeral loopback port, backed by
 * a temporary folder, with one bucket created. s3rver is the one fake the
 * project allows (no real S3 server installs here); it needs path-style
 * addressing and lacks UploadPartCopy, which the S3 driver detects and
 * streams around.
 */

import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { S3Options } from "../s3-client.ts";

/** A running s3rver and the driver options that reach it. */
export interface S3TestServer {
  readonly endpoint: string;
  readonly bucket: string;
  /** `storage.s3` options for the bucket (no prefix). */
  readonly options: S3Options;
  /** The same as `WHARF_STORAGE__…` environment variables, for a `wharf serve` child. */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

/** Why s3rver cannot run here, or undefined when it can. */
export function s3rverUnavailable(): string | undefined {
  try {
    createRequire(import.meta.url).resolve("s3rver");
    return undefined;
  } catch {
    return "the s3rver package is not installed (npm ci installs it as a devDependency)";
  }
}

interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}

/** Starts s3rver with bucket `bucket` (access key and secret `S3RVER`). */
export async function startS3TestServer(bucket = "wharf-test"): Promise<S3TestServer> {
  const directory = await mkdtemp(join(tmpdir(), "wharf-s3rver-"));
  const name = "s3rver";
  const { default: S3rver } = (await import(name)) as { default: new (options: object) => S3rverInstance };
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  let stopped = false;
  const endpoint = `http://127.0.0.1:${port}`;
  const options: S3Options = {
    endpoint,
    bucket,
    region: "us-east-1",
    forcePathStyle: true,
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    prefix: "",
  };
  const env = {
    WHARF_STORAGE__DRIVER: "s3",
    WHARF_STORAGE__S3__ENDPOINT: endpoint,
    WHARF_STORAGE__S3__BUCKET: bucket,
    WHARF_STORAGE__S3__REGION: "us-east-1",
    WHARF_STORAGE__S3__FORCE_PATH_STYLE: "true",
    WHARF_STORAGE__S3__ACCESS_KEY_ID: "S3RVER",
    WHARF_STORAGE__S3__SECRET_ACCESS_KEY: "S3RVER",
  };
  return {
    endpoint,
    bucket,
    options,
    env,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
