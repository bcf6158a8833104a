/**
 * @module
 * Test-only: an `s3rver` S3 endpoint on an ephemeral loopback port, backed by
 * a temporary folder, with one bucket created. s3rver is the one fake the
 * project allows (no real S3 server installs here); it needs path-style
 * addressing, lacks UploadPartCopy (the S3 driver detects that and streams
 * around it; {@link emulateUploadPartCopy} adds it client-side), does not
 * enforce the 5 MiB part minimum ({@link enforcePartMinimum} does) and does
 * not verify SigV4 signatures (only that the access key exists).
 */

import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  GetObjectCommand,
  type S3Client,
  UploadPartCommand,
  type UploadPartCopyCommandInput,
  type UploadPartCopyCommandOutput,
} from "@aws-sdk/client-s3";
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

const minPartBytes = 5 * 1024 * 1024;

/**
 * Makes `client` refuse, as AWS S3 does (EntityTooSmall) and s3rver does
 * not, to complete a multipart upload with a part under 5 MiB other than the
 * last one. Returns how many multipart uploads it checked.
 */
export function enforcePartMinimum(client: S3Client): { checked: number } {
  const sizes = new Map<string, Map<number, number>>();
  const counter = { checked: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      const uploadId = input.UploadId as string | undefined;
      if (context.commandName === "UploadPartCommand" && uploadId) {
        const parts = sizes.get(uploadId) ?? new Map<number, number>();
        parts.set(input.PartNumber as number, input.ContentLength as number);
        sizes.set(uploadId, parts);
      }
      if (context.commandName === "UploadPartCopyCommand" && uploadId) {
        const [, start, end] = /^bytes=(\d+)-(\d+)$/.exec(input.CopySourceRange as string) ?? [];
        const parts = sizes.get(uploadId) ?? new Map<number, number>();
        parts.set(input.PartNumber as number, Number(end) - Number(start) + 1);
        sizes.set(uploadId, parts);
      }
      if (context.commandName === "CompleteMultipartUploadCommand" && uploadId) {
        const listed = (input.MultipartUpload as { Parts: { PartNumber: number }[] }).Parts;
        const parts = sizes.get(uploadId) ?? new Map<number, number>();
        sizes.delete(uploadId);
        counter.checked++;
        for (const [i, part] of listed.entries()) {
          if (part.PartNumber !== i + 1) throw new Error(`EntityTooSmall check: parts out of order at ${i + 1}`);
          const size = parts.get(part.PartNumber);
          if (size === undefined) throw new Error(`part ${part.PartNumber} was never uploaded`);
          if (i < listed.length - 1 && size < minPartBytes) {
            throw new Error(`EntityTooSmall: part ${part.PartNumber} has ${size} bytes, not the last part`);
          }
        }
      }
      return next(args);
    },
    { step: "initialize", name: "enforcePartMinimum" },
  );
  return counter;
}

/**
 * Gives `client` the UploadPartCopy that s3rver lacks, done client-side: the
 * source range is read (GetObject) and uploaded as the part (UploadPart),
 * and the answer has S3's shape (`CopyPartResult.ETag`). The driver's
 * server-side-copy path can then run against s3rver; only the bytes'
 * route differs from S3's. Returns how many parts it copied.
 */
export function emulateUploadPartCopy(client: S3Client): { copied: number } {
  const counter = { copied: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== "UploadPartCopyCommand") return next(args);
      const input = args.input as UploadPartCopyCommandInput;
      const [bucket, ...rest] = input.CopySource!.split("/");
      const source = await client.send(
        new GetObjectCommand({
          Bucket: bucket,
          Key: rest.map(decodeURIComponent).join("/"),
          Range: input.CopySourceRange,
        }),
      );
      const body = Buffer.from(await source.Body!.transformToByteArray());
      const part = await client.send(
        new UploadPartCommand({
          Bucket: input.Bucket,
          Key: input.Key,
          UploadId: input.UploadId,
          PartNumber: input.PartNumber,
          Body: body,
          ContentLength: body.length,
        }),
      );
      counter.copied++;
      const output: UploadPartCopyCommandOutput = { CopyPartResult: { ETag: part.ETag }, $metadata: {} };
      return { output, response: {} } as Awaited<ReturnType<typeof next>>;
    },
    { step: "initialize", name: "emulateUploadPartCopy" },
  );
  return counter;
}
