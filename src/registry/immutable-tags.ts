/**
 * @module
 * Immutable tags (`immutableTags` in the configuration): each rule names
 * repositories (a name or `*` glob: `shop/*`) and tag globs (`v*`). A tag
 * matching a rule may be created once; a push that would point it at other
 * content, or a delete of it, is refused with `tag-immutable` naming the rule.
 * Pushing the same content again is allowed (idempotent). Garbage
 * collection's retention never deletes such a tag either.
 */
import { globPattern, matchesAny } from "../gc/retention.ts";

/** One rule, as configured (or, with `stored`, set with `wharf repo immutable`). */
export interface ImmutableTagRule {
  readonly repositories: string;
  readonly tags: readonly string[];
  /** The namespace or repository a stored rule was set on. */
  readonly stored?: string;
}

/** Answers which rule, if any, makes `tag` of `repository` immutable (stored rules answer asynchronously). */
export type ImmutableTags = (
  repository: string,
  tag: string,
) => ImmutableTagRule | undefined | Promise<ImmutableTagRule | undefined>;

/** Compiles the rules into a lookup. */
export function createImmutableTags(
  rules: readonly ImmutableTagRule[],
): (repository: string, tag: string) => ImmutableTagRule | undefined {
  const compiled = rules.map((rule) => ({ rule, pattern: globPattern(rule.repositories) }));
  return (repository, tag) => compiled.find((c) => c.pattern.test(repository) && matchesAny(tag, c.rule.tags))?.rule;
}

/** How a rule reads in messages: `immutableTags rule shop/*: v*, stable`, or `immutable rule of shop: v*` (stored). */
export function describeRule(rule: ImmutableTagRule): string {
  if (rule.stored !== undefined) return `immutable rule of ${rule.stored}: ${rule.tags.join(", ")}`;
  return `immutableTags rule ${rule.repositories}: ${rule.tags.join(", ")}`;
}
