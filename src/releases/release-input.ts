/**
 * @module
 * The rules of a release's fields, checked before anything is resolved: a
 * version (1-128 characters a tag may hold, so it can name files and
 * tags), channel names (lower-case, like licenses' channels), and the
 * `images:` list of seed 001 — each entry a `name`, a `source` (`public`,
 * the application's slug, or an external registry's short name or host)
 * and a `tag` or a `digest`.
 */
import { tryParseDigest } from "../digest/digest.ts";
import { isValidRepositoryName, isValidTag } from "../reference/grammar.ts";
import { ReleaseError } from "./release-error.ts";

/** One entry of an `images:` list, as written. */
export interface ImageEntry {
  readonly name: string;
  readonly source: string;
  readonly tag?: string;
  readonly digest?: string;
}

const maxImages = 200;
const maxChannels = 20;
const channelPattern = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const sourcePattern = /^[a-z0-9][a-z0-9.:_-]{0,254}$/i;

const quote = (text: string) => JSON.stringify(text.slice(0, 100));

/** Checks a version; throws ReleaseError `invalid` saying what a version may hold. */
export function checkVersion(version: string): string {
  if (!isValidTag(version)) {
    throw new ReleaseError(
      "invalid",
      `version ${quote(version)} is not valid: use 1-128 letters, digits, '_', '.', '-', not starting with '.' or '-' (e.g. 1.4.0)`,
    );
  }
  return version;
}

/** De-duplicates and checks channel names. */
export function checkChannels(channels: readonly string[]): string[] {
  const list = [...new Set(channels.map((c) => c.trim()))];
  if (list.length > maxChannels) throw new ReleaseError("invalid", `give at most ${maxChannels} channels`);
  for (const channel of list) {
    if (!channelPattern.test(channel)) {
      throw new ReleaseError(
        "invalid",
        `channel ${quote(channel)} is not valid: use 1-63 lower-case letters, digits, '.', '_', '-' (e.g. stable)`,
      );
    }
  }
  return list;
}

/** Checks every image entry; the error names the first bad one by its index. */
export function checkImages(images: readonly ImageEntry[]): ImageEntry[] {
  if (images.length === 0) throw new ReleaseError("invalid", "a release needs at least one image under images:");
  if (images.length > maxImages) throw new ReleaseError("invalid", `a release holds at most ${maxImages} images`);
  return images.map((image, i) => {
    const where = `images[${i}]`;
    if (!isValidRepositoryName(image.name)) {
      throw new ReleaseError("invalid", `${where}.name ${quote(image.name)} is not a repository path (e.g. acme/api)`);
    }
    if (!sourcePattern.test(image.source)) {
      throw new ReleaseError(
        "invalid",
        `${where}.source ${quote(image.source)} is not valid: write public, the application's slug, or an external registry's short name`,
      );
    }
    if ((image.tag === undefined) === (image.digest === undefined)) {
      throw new ReleaseError("invalid", `${where} (${image.name}): give exactly one of tag or digest`);
    }
    if (image.tag !== undefined && !isValidTag(image.tag)) {
      throw new ReleaseError("invalid", `${where}.tag ${quote(image.tag)} is not a valid tag`);
    }
    if (image.digest !== undefined && tryParseDigest(image.digest) === undefined) {
      throw new ReleaseError("invalid", `${where}.digest ${quote(image.digest)} is not a digest (sha256:<64 hex>)`);
    }
    return image;
  });
}
