/**
 * @module
 * Why a repository path is refused, in words a user can act on. The grammar
 * itself (`grammar.ts`) only answers yes or no; Docker's own messages
 * ("invalid reference format") leave people guessing. This module checks the
 * same grammar in Docker's order — upper case first, then each component, then
 * the length — and names the first problem.
 */
import { maxRepositoryNameLength, repositoryNamePattern } from "./grammar.ts";
import { quoteInput } from "./quote-input.ts";

/**
 * Returns undefined when `path` (a normalized repository path such as
 * `library/alpine`, without domain, tag or digest) is valid, else a sentence
 * saying what is wrong and what to change:
 * - upper case anywhere: "repository name must be lowercase" (checked first,
 *   like Docker, even if other characters are also wrong);
 * - an empty component (leading, trailing or doubled `/`);
 * - a `:` (a second tag separator, or a port outside the host);
 * - any other character or separator outside the grammar;
 * - more than 255 characters (counted on the normalized path, so `library/`
 *   counts, as in Docker).
 */
export function checkRepositoryPath(path: string): string | undefined {
  const quoted = quoteInput(path);
  if (path !== path.toLowerCase()) {
    return `repository name must be lowercase: ${quoted} contains upper case; write ${quoteInput(path.toLowerCase())}`;
  }
  for (const component of path.split("/")) {
    const problem = checkComponent(component, quoted);
    if (problem !== undefined) return problem;
  }
  if (path.length > maxRepositoryNameLength) {
    return `repository name ${quoteInput(path, 40)} is ${path.length} characters long; it must not be more than ${maxRepositoryNameLength}: shorten it`;
  }
  return undefined;
}

function checkComponent(component: string, quotedPath: string): string | undefined {
  if (component === "") {
    return `repository name ${quotedPath} has an empty component: remove the leading, trailing or doubled "/"`;
  }
  if (component.includes(":")) {
    return `repository name ${quotedPath} contains ":": a ":" may only introduce the tag at the end, or a port right after the registry host`;
  }
  if (repositoryNamePattern.test(component)) return undefined;
  return `repository name component ${quoteInput(component)} is invalid: use lowercase letters and digits, joined by one ".", one or two "_", or dashes, and start and end with a letter or digit`;
}
