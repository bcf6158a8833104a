/**
 * @module
 * Parses what people write for an image — `alpine`, `fredysa/alpine:1.0`,
 * `localhost:5000/foo`, `quay.io/org/api:v1@sha256:…` — into the reference
 * Docker would pull, following `distribution/reference`'s
 * `ParseNormalizedNamed`: the same host heuristic, the same `library/` and
 * Docker Hub normalization, the same grammar and limits. Where Docker answers
 * "invalid reference format", this answers which part is wrong and how to fix
 * it. Deliberate differences from Docker: `registry-1.docker.io` also means
 * `docker.io`; only sha256 and sha512 digests are accepted (Wharf verifies no
 * other); and a first component that contains `.` but is not a valid host
 * (`foo_bar.com/x`) is refused instead of becoming a host-less name.
 */
import { tryParseDigest } from "../digest/digest.ts";
import { isValidTag } from "./grammar.ts";
import type { ImageReference, ParseResult } from "./image-reference.ts";
import { quoteInput } from "./quote-input.ts";
import { checkRegistryHost } from "./registry-host.ts";
import { checkRepositoryPath } from "./repository-path.ts";
import { type SplitName, splitDomain } from "./split-domain.ts";

const imageIdPattern = /^[a-f0-9]{64}$/;

/**
 * Parses and normalizes an image reference. Never throws; on failure the
 * error names the input and says what to change. Accepts exactly Docker's
 * `ParseNormalizedNamed` language except as noted in the module comment.
 * Edge cases: a bare 64-hex string is refused as ambiguous with an image ID;
 * a name without `/` is always Docker Hub (`localhost:5000` alone is
 * `docker.io/library/localhost` tag `5000`); upper case is refused in the
 * path but allowed in the host; the tag keeps its case; both tag and digest
 * may be given and both are kept; no default tag is filled in.
 */
export function parseReference(text: string): ParseResult {
  const problem = checkWhole(text);
  if (problem !== undefined) return fail(text, problem);
  const parts = splitSuffixes(text);
  if (parts.name === "") {
    return fail(text, `the repository name is missing: write it before the tag or digest, as in "alpine:3.5"`);
  }
  const split = splitDomain(parts.name);
  const invalid =
    checkHost(split, text, parts.name) ??
    checkPath(split, text, parts.name) ??
    checkTag(parts.tag) ??
    checkDigest(parts.digest);
  if (invalid !== undefined) return fail(text, invalid);
  const reference: ImageReference = {
    domain: split.domain,
    path: split.path,
    ...(parts.tag !== undefined && { tag: parts.tag }),
    ...(parts.digest !== undefined && { digest: parts.digest }),
  };
  return { ok: true, reference: Object.freeze(reference) };
}

/** Problems visible before splitting: not a string, empty, an image ID, a URL. */
function checkWhole(text: string): string | undefined {
  if (typeof text !== "string") return "an image reference must be a string";
  if (text === "") {
    return `the image reference is empty: write a name such as "alpine" or "registry.example.com/team/app:1.0"`;
  }
  if (imageIdPattern.test(text)) {
    return "a 64-character hexadecimal string is ambiguous with an image ID and cannot be a repository name: write name@sha256:<hex> to pin a digest";
  }
  const scheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.exec(text);
  if (scheme !== null) {
    return `remove ${quoteInput(scheme[0])}: an image reference starts with the registry host, as in "registry.example.com/team/app:1.0"`;
  }
  return undefined;
}

interface Suffixes {
  readonly name: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** `name[:tag][@digest]`: the digest follows the first `@`; the tag follows a `:` after the last `/`. */
function splitSuffixes(text: string): Suffixes {
  const at = text.indexOf("@");
  const beforeDigest = at < 0 ? text : text.slice(0, at);
  const digest = at < 0 ? undefined : text.slice(at + 1);
  const colon = beforeDigest.lastIndexOf(":");
  if (colon < 0 || colon < beforeDigest.lastIndexOf("/")) return { name: beforeDigest, digest };
  return { name: beforeDigest.slice(0, colon), tag: beforeDigest.slice(colon + 1), digest };
}

function checkHost(split: SplitName, text: string, name: string): string | undefined {
  const host = split.writtenHost;
  if (host === undefined) return undefined;
  const problem = checkRegistryHost(host);
  if (problem === undefined) return undefined;
  // Upper case alone made Docker read this part as a host; Docker then
  // reports it as an upper-case repository name, and so do we.
  if (!/[.:]/.test(host) && host !== "localhost") {
    return lowercaseProblem(name, name.toLowerCase() + text.slice(name.length));
  }
  return problem;
}

function checkPath(split: SplitName, text: string, name: string): string | undefined {
  const host = split.writtenHost;
  const prefix = host === undefined ? "" : `${host}/`;
  const written = name.slice(prefix.length);
  if (written !== written.toLowerCase()) {
    const fixed = prefix + written.toLowerCase() + text.slice(name.length);
    return lowercaseProblem(written, fixed);
  }
  return checkRepositoryPath(split.path);
}

function lowercaseProblem(written: string, fixed: string): string {
  return `repository name must be lowercase: ${quoteInput(written)} contains upper case; write ${quoteInput(fixed)}`;
}

function checkTag(tag: string | undefined): string | undefined {
  if (tag === undefined || isValidTag(tag)) return undefined;
  if (tag === "") return `the tag is empty: write a tag after ":" or remove the ":"`;
  const why =
    tag.length > 128
      ? `it is ${tag.length} characters long, more than 128`
      : `use letters, digits, "_", "." and "-", starting with a letter, digit or "_"`;
  return `invalid tag ${quoteInput(tag)}: ${why}`;
}

function checkDigest(digest: string | undefined): string | undefined {
  if (digest === undefined || tryParseDigest(digest) !== undefined) return undefined;
  if (digest === "") {
    return `the digest is empty: write sha256:<64 hex digits> after "@" or remove the "@"`;
  }
  return `invalid digest ${quoteInput(digest)}: expected sha256:<64 lowercase hex digits> or sha512:<128 lowercase hex digits>`;
}

function fail(text: unknown, problem: string): ParseResult {
  const shown = typeof text === "string" ? ` ${quoteInput(text, 200)}` : "";
  return { ok: false, error: `invalid image reference${shown}: ${problem}` };
}
