/**
 * @module
 * The schema of the master-key file, checked strictly: a hand-edited or
 * truncated file must stop the server with a message naming the file and the
 * field, not start it with a ring that cannot decrypt yesterday's secrets.
 */
import { z } from "zod";
import { createKeyRing, type KeyRing } from "./key-ring.ts";
import { masterKeyEnvVar } from "./master-key-env.ts";
import { MasterKeyError } from "./master-key-error.ts";

const keyFileSchema = z.strictObject({
  format: z.literal("wharf-master-key/v1"),
  current: z.number().int().positive(),
  keys: z
    .array(
      z.strictObject({
        version: z.number().int().positive(),
        key: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, "must be standard base64"),
        created: z.string().optional(),
      }),
    )
    .min(1),
});

/** The content of `master-key.json`. */
export type KeyFile = z.infer<typeof keyFileSchema>;

/**
 * Parses the text of key file `file` (the path is for messages only).
 * Throws MasterKeyError (`invalid-key`) for invalid JSON, unknown or missing
 * fields, or a key ring createKeyRing refuses (wrong key length, duplicate
 * version, current version absent) — each message names the file and says to
 * restore it from a backup. Never echoes key material.
 */
export function parseKeyFile(text: string, file: string): KeyFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalid(file, "it is not valid JSON");
  }
  const parsed = keyFileSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(top)"}: ${issue.message}`);
    throw invalid(file, issues.join("; "));
  }
  try {
    ringOf(parsed.data);
  } catch (error) {
    throw invalid(file, (error as Error).message);
  }
  return parsed.data;
}

/** The ring a valid key file describes. Throws MasterKeyError as createKeyRing does. */
export function ringOf(file: KeyFile): KeyRing {
  const keys = file.keys.map(({ version, key }) => ({ version, key: Buffer.from(key, "base64") }));
  return createKeyRing(keys, file.current);
}

function invalid(file: string, why: string): MasterKeyError {
  return new MasterKeyError(
    "invalid-key",
    `master key file ${file} is invalid (${why}): restore it from a backup, or set ${masterKeyEnvVar}`,
  );
}
