/**
 * @module
 * The S3 driver's operations on key prefixes ("folders"): listing the direct
 * children of a prefix and deleting a prefix with everything under it.
 */
import { DeleteObjectCommand, DeleteObjectsCommand, HeadObjectCommand, ListObjectsCommand } from "@aws-sdk/client-s3";
import { backendError, isMissingKey, type S3Location } from "./s3-client.ts";

/**
 * `list` and `remove` for the driver over `at`; `key(path)` is a path's
 * object key (refusing unsafe paths) and `folder(path)` the key prefix of its
 * children (ending in `/`, or the root prefix for "").
 */
export function createS3PrefixOps(at: S3Location, key: (path: string) => string, folder: (path: string) => string) {
  const { client, bucket } = at;

  async function remove(path: string): Promise<void> {
    const k = key(path);
    try {
      if (path !== "") await deleteOne(k);
      for await (const page of pages(folder(path), undefined)) {
        const keys = (page.Contents ?? []).map((object) => object.Key!);
        if (keys.length > 0) await deleteMany(keys);
      }
    } catch (error) {
      throw backendError("delete", k, error);
    }
  }

  /** Deletes one key; an error is forgiven when the key is gone anyway. */
  async function deleteOne(k: string): Promise<void> {
    try {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: k }));
    } catch (error) {
      const gone = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: k })).then(
        () => false,
        (headError: unknown) => isMissingKey(headError),
      );
      if (!gone) throw error;
    }
  }

  /**
   * Deletes up to 1000 keys in one DeleteObjects; when the server lacks it
   * (GCS's S3 API) or fails, one key at a time.
   */
  async function deleteMany(keys: string[]): Promise<void> {
    try {
      const out = await client.send(
        new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }),
      );
      if (!out.Errors?.length) return;
    } catch {
      // fall through to single deletes
    }
    for (const k of keys) await deleteOne(k);
  }

  async function list(prefix: string): Promise<string[]> {
    const within = folder(prefix);
    const names = new Set<string>();
    try {
      for await (const page of pages(within, "/")) {
        for (const common of page.CommonPrefixes ?? []) names.add(common.Prefix!.slice(within.length, -1));
        for (const object of page.Contents ?? []) names.add(object.Key!.slice(within.length));
      }
    } catch (error) {
      throw backendError("ListObjects", within, error);
    }
    names.delete("");
    return [...names].sort();
  }

  /**
   * Pages of a listing. ListObjects (v1, marker-paged) rather than v2: every
   * S3-compatible server has it, and some (s3rver on current Node) fail to
   * make v2 continuation tokens.
   */
  async function* pages(prefix: string, delimiter: string | undefined) {
    let marker: string | undefined;
    for (;;) {
      const page = await client.send(
        new ListObjectsCommand({ Bucket: bucket, Prefix: prefix, Delimiter: delimiter, Marker: marker }),
      );
      yield page;
      if (!page.IsTruncated) return;
      const last = [page.Contents?.at(-1)?.Key, page.CommonPrefixes?.at(-1)?.Prefix].filter((k) => k !== undefined);
      const next = page.NextMarker ?? last.sort().at(-1);
      if (next === undefined || next === marker) throw new Error(`the listing of ${prefix} did not advance`);
      marker = next;
    }
  }

  return { list, remove };
}
