/**
 * @module
 * The repository-name and tag grammar of the OCI Distribution Spec
 * (spec.md, "Pulling manifests"): a name is one or more path components of
 * lower-case alphanumerics joined by `.`, `_`, `__` or runs of `-`, separated
 * by `/`, at most 255 characters in all; a tag is 1–128 characters of
 * `[A-Za-z0-9_.-]` not starting with `.` or `-`.
 */

const component = "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*";

/** The whole repository-name grammar, anchored. */
export const repositoryNamePattern = new RegExp(`^${component}(?:/${component})*$`);

/** The tag grammar, anchored. */
export const tagPattern = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;

/** Longest repository name the registry accepts, in characters. */
export const maxRepositoryNameLength = 255;

/** True when `name` is a valid repository name (grammar and length). */
export function isValidRepositoryName(name: string): boolean {
  return name.length <= maxRepositoryNameLength && repositoryNamePattern.test(name);
}

/** True when `tag` is a valid tag. */
export function isValidTag(tag: string): boolean {
  return tagPattern.test(tag);
}
